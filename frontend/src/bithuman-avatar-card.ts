/**
 * `custom:bithuman-avatar-card`: a bitHuman agent on a dashboard.
 *
 * Idle, it shows the agent (name, portrait, status, live state). Start asks
 * Home Assistant for a short-lived embed URL and shows the talking avatar in
 * an iframe; Stop, the page being hidden, `session_minutes` passing or the
 * URL expiring clear it again. Nothing starts a session by itself: a live
 * avatar uses credits every minute.
 */
import { LitElement, html, nothing, type PropertyValues } from "lit";
import { property, state } from "lit/decorators.js";
import {
  agentChanged,
  findAgent,
  gestureBlockers,
  listAgents,
  type Agent,
  type GestureBlocker,
} from "./agent";
import { normalizeConfig, type FullConfig } from "./config";
import { errorMessage, startErrorText } from "./errors";
import { deliveredRooms, isWebUrl } from "./responses";
import { loadTranslations, localize, type StringKey } from "./localize";
import { cardStyles, controls } from "./styles";
import type { CardConfig, EmbedToken, HassEntity, HomeAssistant } from "./types";

export const CARD_TAG = "bithuman-avatar-card";
export const EDITOR_TAG = "bithuman-avatar-card-editor";

interface Notice {
  kind: "error" | "info";
  text: string;
}

interface Session {
  url: string;
  endsAt: number;
}

/** The hint under the gestures for each reason they are disabled. */
const GESTURE_HINTS: Record<GestureBlocker, StringKey> = {
  dynamics: "gestures_hint_dynamics",
  livekit: "gestures_hint_livekit",
};

const clock = (ms: number): string => {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
};

export class BithumanAvatarCard extends LitElement {
  static styles = [controls, cardStyles];

  @property({ attribute: false }) accessor hass: HomeAssistant | undefined;

  @state() private accessor config: FullConfig | undefined;
  @state() private accessor session: Session | undefined;
  @state() private accessor starting = false;
  @state() private accessor notice: Notice | undefined;
  @state() private accessor feedback: Notice | undefined;
  @state() private accessor speakText = "";
  @state() private accessor speaking = false;
  @state() private accessor now = Date.now();

  private stopTimer: number | undefined;
  private tickTimer: number | undefined;

  static getConfigElement(): HTMLElement {
    return document.createElement(EDITOR_TAG);
  }

  static getStubConfig(hass: HomeAssistant): Partial<CardConfig> {
    return { device_id: listAgents(hass)[0]?.id ?? "" };
  }

  setConfig(config: CardConfig): void {
    const next = normalizeConfig(config);
    if (this.config && this.config.device_id !== next.device_id) {
      this.stop();
      this.notice = this.feedback = undefined;
    }
    this.config = next;
  }

  getCardSize(): number {
    return this.session ? 10 : 7;
  }

  getGridOptions(): Record<string, number> {
    return { columns: 12, min_columns: 6 };
  }

  connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener("visibilitychange", this.onVisibilityChange);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener("visibilitychange", this.onVisibilityChange);
    this.stop();
  }

  private readonly onVisibilityChange = (): void => {
    if (document.visibilityState === "hidden" && this.session) {
      this.stop("stopped_hidden");
    }
  };

  protected shouldUpdate(changed: PropertyValues<this>): boolean {
    const before = changed.get("hass");
    if (changed.size !== 1 || !before || !this.hass || !this.config) {
      return true;
    }
    return agentChanged(before, this.hass, this.config.device_id);
  }

  protected willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("hass") && this.hass) {
      const language = changed.get("hass")?.language;
      if (language !== this.hass.language) {
        void loadTranslations(this.hass).then(() => this.requestUpdate());
      }
    }
  }

  private t(key: StringKey, values?: Record<string, string | number>): string {
    return localize(this.hass, key, values);
  }

  private async start(): Promise<void> {
    const hass = this.hass;
    const deviceId = this.config?.device_id;
    if (!hass || !deviceId || this.session || this.starting) {
      return;
    }
    this.starting = true;
    this.notice = undefined;
    try {
      const token = await hass.callWS<Partial<EmbedToken> | null>({
        type: "bithuman/embed_token",
        device_id: deviceId,
      });
      const abandoned =
        !this.isConnected ||
        document.visibilityState === "hidden" ||
        this.config?.device_id !== deviceId;
      if (abandoned) {
        return;
      }
      if (!isWebUrl(token?.url)) {
        throw new Error();
      }
      this.begin(token.url, token.expires_in);
    } catch (err) {
      this.notice = { kind: "error", text: startErrorText(hass, err) };
    } finally {
      this.starting = false;
    }
  }

  /**
   * Show the avatar until `session_minutes` pass or the URL expires. The
   * expiry is counted from now, not compared with this browser's clock,
   * which on a wall tablet may be far from bitHuman's.
   */
  private begin(url: string, expiresIn: unknown): void {
    const now = Date.now();
    const byMinutes = now + (this.config?.session_minutes ?? 10) * 60_000;
    const expires = typeof expiresIn === "number" ? now + expiresIn * 1000 : NaN;
    const expiresFirst = Number.isFinite(expires) && expires < byMinutes;
    const endsAt = expiresFirst ? expires : byMinutes;
    if (endsAt <= now) {
      this.notice = { kind: "info", text: this.t("stopped_expired") };
      return;
    }
    this.session = { url, endsAt };
    this.now = now;
    this.stopTimer = window.setTimeout(() => {
      this.stop(expiresFirst ? "stopped_expired" : "stopped_timeout");
    }, endsAt - now);
    this.tickTimer = window.setInterval(() => {
      this.now = Date.now();
    }, 1000);
  }

  /** Clear the avatar; `reason` says why when it was not the user's Stop. */
  private stop(reason?: StringKey): void {
    window.clearTimeout(this.stopTimer);
    window.clearInterval(this.tickTimer);
    this.stopTimer = this.tickTimer = undefined;
    if (!this.session) {
      return;
    }
    this.session = undefined;
    this.notice = reason
      ? {
          kind: "info",
          text: this.t(reason, { minutes: this.config?.session_minutes ?? 10 }),
        }
      : undefined;
  }

  private async press(entityId: string, failure: StringKey): Promise<void> {
    if (!this.hass) {
      return;
    }
    this.feedback = undefined;
    try {
      await this.hass.callService("button", "press", {}, { entity_id: entityId });
    } catch (err) {
      this.feedback = { kind: "error", text: errorMessage(err) || this.t(failure) };
    }
  }

  private async speak(ev: SubmitEvent): Promise<void> {
    ev.preventDefault();
    const message = this.speakText.trim();
    if (!this.hass || !this.config || !message || this.speaking) {
      return;
    }
    this.speaking = true;
    this.feedback = undefined;
    try {
      const result = await this.hass.callService(
        "bithuman",
        "speak",
        { message },
        { device_id: this.config.device_id },
        false,
        true,
      );
      const rooms = deliveredRooms(result);
      this.feedback = {
        kind: "info",
        text: rooms === null ? this.t("speak_sent") : this.t("speak_delivered", { rooms }),
      };
      this.speakText = "";
    } catch (err) {
      this.feedback = { kind: "error", text: errorMessage(err) || this.t("speak_failed") };
    } finally {
      this.speaking = false;
    }
  }

  private formatState(stateObj: HassEntity): string {
    return this.hass?.formatEntityState?.(stateObj) ?? stateObj.state;
  }

  private renderNotice(notice: Notice | undefined) {
    if (!notice) {
      return nothing;
    }
    return html`<p
      class="message ${notice.kind}"
      role=${notice.kind === "error" ? "alert" : "status"}
    >
      ${notice.text}
    </p>`;
  }

  private renderHeader(agent: Agent) {
    const { status, live } = agent;
    const liveOn = live?.state === "on";
    return html`<div class="header">
      <h2>${agent.name}</h2>
      <div class="chips">
        ${
          status
            ? html`<span class="chip">
                <span class="dot ${status.state}"></span>
                ${this.t("status")} <b>${this.formatState(status)}</b>
              </span>`
            : nothing
        }
        ${
          live
            ? html`<span class="chip ${liveOn ? "on" : ""}">
                ${this.t("live")} <b>${this.formatState(live)}</b>
              </span>`
            : nothing
        }
      </div>
    </div>`;
  }

  private renderMedia(agent: Agent) {
    if (this.session) {
      return html`<div class="media">
        <iframe
          src=${this.session.url}
          title=${agent.name}
          allow="microphone *; camera *; autoplay *"
          referrerpolicy="no-referrer"
        ></iframe>
      </div>`;
    }
    const picture = agent.portrait?.attributes.entity_picture;
    if (typeof picture !== "string" || !picture) {
      return nothing;
    }
    return html`<div class="media">
      <img src=${picture} alt=${agent.name} />
    </div>`;
  }

  private renderSessionControls(agent: Agent) {
    if (this.session) {
      return html`<div class="row">
        <button type="button" class="primary" @click=${() => this.stop()}>${this.t("stop")}</button>
        <span class="countdown">
          ${this.t("session_time_left", { time: clock(this.session.endsAt - this.now) })}
        </span>
      </div>`;
    }
    // Without a Status entity the card cannot tell; Home Assistant will.
    const ready = agent.status ? agent.status.state === "ready" : true;
    const end = agent.live?.state === "on" ? agent.endSession : undefined;
    return html`<div class="row">
        <button
          type="button"
          class="primary"
          ?disabled=${!ready || this.starting}
          @click=${() => void this.start()}
        >
          ${this.starting ? this.t("starting") : this.t("start")}
        </button>
        ${
          end && end.state !== "unavailable"
            ? html`<button
                type="button"
                class="outlined"
                @click=${() => void this.press(end.entity_id, "end_session_failed")}
              >
                ${this.t("end_session")}
              </button>`
            : nothing
        }
      </div>
      ${ready ? nothing : html`<p class="hint">${this.t("start_hint_not_ready")}</p>`}`;
  }

  private renderGestures(agent: Agent) {
    if (!this.config?.show_gestures || agent.gestures.length === 0) {
      return nothing;
    }
    const dynamicsOff = agent.dynamicsReady?.state === "off";
    const blockers = gestureBlockers(agent);
    const hintIds = blockers.map((blocker) => `gesture-hint-${blocker}`).join(" ");
    return html`<p class="section-label">${this.t("gestures")}</p>
      <div class="row">
        ${agent.gestures.map(
          (gesture) =>
            html`<button
              type="button"
              class="tonal"
              ?disabled=${!gesture.available || dynamicsOff}
              aria-describedby=${hintIds || nothing}
              @click=${() => void this.press(gesture.entityId, "gesture_failed")}
            >
              ${gesture.label}
            </button>`,
        )}
      </div>
      ${blockers.map(
        (blocker) =>
          html`<p class="hint" id="gesture-hint-${blocker}">${this.t(GESTURE_HINTS[blocker])}</p>`,
      )}`;
  }

  private renderSpeak() {
    if (!this.config?.show_speak) {
      return nothing;
    }
    const label = this.t("say_placeholder");
    return html`<form @submit=${(ev: SubmitEvent) => void this.speak(ev)}>
      <input
        type="text"
        .value=${this.speakText}
        placeholder=${label}
        aria-label=${label}
        @input=${(ev: InputEvent) => {
          this.speakText = (ev.target as HTMLInputElement).value;
        }}
      />
      <button class="tonal" type="submit" ?disabled=${this.speaking || !this.speakText.trim()}>
        ${this.t("say")}
      </button>
    </form>`;
  }

  protected render() {
    if (!this.config || !this.hass) {
      return nothing;
    }
    const agent = findAgent(this.hass, this.config.device_id);
    if (!agent) {
      return html`<div class="card">
        ${this.renderNotice({ kind: "error", text: this.t("agent_missing") })}
      </div>`;
    }
    return html`<div class="card">
      ${this.renderHeader(agent)} ${this.renderMedia(agent)} ${this.renderNotice(this.notice)}
      ${this.renderSessionControls(agent)} ${this.renderGestures(agent)} ${this.renderSpeak()}
      ${this.renderNotice(this.feedback)}
    </div>`;
  }
}
