/**
 * The card's labels, translated like the rest of the integration.
 *
 * The integration ships them in its translations under
 * `selector.card.options.<key>`; Home Assistant's frontend loads that
 * category on request (`hass.loadBackendTranslation`) and `hass.localize`
 * then knows `component.bithuman.selector.card.options.<key>`. Until then,
 * or for a key a translation lacks, the built-in English text is used.
 */
import ENGLISH from "./strings.en.json";
import type { HomeAssistant, LocalizeFunc } from "./types";

export type StringKey = keyof typeof ENGLISH;
type Values = Record<string, string | number>;

const PREFIX = "component.bithuman.selector.card.options.";

let loading: Promise<void> | undefined;
let loadingLanguage: string | undefined;
let loaded: LocalizeFunc | undefined;

/** Ask Home Assistant once per language for the integration's card strings. */
export function loadTranslations(hass: HomeAssistant): Promise<void> {
  if (!hass.loadBackendTranslation) {
    return Promise.resolve();
  }
  if (!loading || loadingLanguage !== hass.language) {
    loadingLanguage = hass.language;
    loading = hass.loadBackendTranslation("selector", "bithuman").then(
      (fn) => {
        loaded = fn;
      },
      () => undefined,
    );
  }
  return loading;
}

const fill = (text: string, values?: Values): string =>
  text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    values && name in values ? String(values[name]) : whole,
  );

/** The text for `key` in the user's language, else in English. */
export function localize(hass: HomeAssistant | undefined, key: StringKey, values?: Values): string {
  const full = PREFIX + key;
  for (const fn of [hass?.localize, loaded]) {
    const text = fn?.(full, values);
    if (text && text !== full) {
      return text;
    }
  }
  return fill(ENGLISH[key], values);
}
