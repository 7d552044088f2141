/**
 * `bithuman-avatar-card-editor`: the card's visual editor.
 *
 * Native form controls styled with Home Assistant's theme variables. Every
 * change fires `config-changed` with the whole new config.
 */
import { LitElement, html, nothing, type PropertyValues } from "lit";
import { property, state } from "lit/decorators.js";
import { deviceName, listAgents } from "./agent";
import { DEFAULTS } from "./config";
import { loadTranslations, localize, type StringKey } from "./localize";
import { controls, editorStyles } from "./styles";
import type { CardConfig, HomeAssistant } from "./types";

export class BithumanAvatarCardEditor extends LitElement {
  static styles = [controls, editorStyles];

  @property({ attribute: false }) accessor hass: HomeAssistant | undefined;

  @state() private accessor config: Partial<CardConfig> | undefined;

  /** Accepts any config, so a half-written one can still be edited. */
  setConfig(config: Partial<CardConfig>): void {
    this.config = { ...config };
  }

  protected willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("hass") && this.hass) {
      const language = changed.get("hass")?.language;
      if (language !== this.hass.language) {
        void loadTranslations(this.hass).then(() => this.requestUpdate());
      }
    }
  }

  private t(key: StringKey): string {
    return localize(this.hass, key);
  }

  private change(patch: Partial<CardConfig>): void {
    if (!this.config) {
      return;
    }
    this.config = { ...this.config, ...patch };
    this.dispatchEvent(
      new CustomEvent("config-changed", {
        detail: { config: this.config },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private onMinutes(ev: Event): void {
    const input = ev.target as HTMLInputElement;
    const minutes = Number(input.value);
    if (input.checkValidity() && Number.isInteger(minutes)) {
      this.change({ session_minutes: minutes });
    }
  }

  protected render() {
    if (!this.hass || !this.config) {
      return nothing;
    }
    const agents = listAgents(this.hass);
    const selected = this.config.device_id ?? "";
    const unknown = selected && !agents.some((agent) => agent.id === selected);
    return html`<div class="editor">
      <label class="field">
        <span>${this.t("editor_agent")}</span>
        <select
          @change=${(ev: Event) =>
            this.change({ device_id: (ev.target as HTMLSelectElement).value })}
        >
          <option value="" disabled ?selected=${!selected}>${this.t("editor_choose_agent")}</option>
          ${unknown ? html`<option value=${selected} selected>${selected}</option>` : nothing}
          ${agents.map(
            (agent) =>
              html`<option value=${agent.id} ?selected=${agent.id === selected}>
                ${deviceName(agent)}
              </option>`,
          )}
        </select>
      </label>
      ${agents.length === 0 ? html`<p class="hint">${this.t("editor_no_agents")}</p>` : nothing}
      <label class="check">
        <input
          type="checkbox"
          .checked=${this.config.show_gestures ?? DEFAULTS.show_gestures}
          @change=${(ev: Event) =>
            this.change({ show_gestures: (ev.target as HTMLInputElement).checked })}
        />
        ${this.t("editor_show_gestures")}
      </label>
      <label class="check">
        <input
          type="checkbox"
          .checked=${this.config.show_speak ?? DEFAULTS.show_speak}
          @change=${(ev: Event) =>
            this.change({ show_speak: (ev.target as HTMLInputElement).checked })}
        />
        ${this.t("editor_show_speak")}
      </label>
      <label class="field">
        <span>${this.t("editor_session_minutes")}</span>
        <input
          type="number"
          min="1"
          max="60"
          step="1"
          required
          .value=${String(this.config.session_minutes ?? DEFAULTS.session_minutes)}
          @change=${(ev: Event) => this.onMinutes(ev)}
        />
        <span class="hint">${this.t("editor_session_minutes_help")}</span>
      </label>
    </div>`;
  }
}
