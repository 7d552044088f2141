/** The small part of Home Assistant's frontend `hass` object this card uses. */

export interface HassEntity {
  entity_id: string;
  state: string;
  attributes: Record<string, unknown>;
}

/** An entry of `hass.entities` (the entity registry as the frontend sees it). */
export interface HassEntityEntry {
  entity_id: string;
  device_id?: string | null;
  platform: string;
  translation_key?: string | null;
  hidden?: boolean;
}

/** An entry of `hass.devices`. */
export interface HassDevice {
  id: string;
  name?: string | null;
  name_by_user?: string | null;
  manufacturer?: string | null;
  model?: string | null;
  entry_type?: string | null;
}

export type LocalizeFunc = (key: string, values?: Record<string, string | number>) => string;

export interface HomeAssistant {
  states: Record<string, HassEntity | undefined>;
  entities: Record<string, HassEntityEntry | undefined>;
  devices: Record<string, HassDevice | undefined>;
  language: string;
  localize: LocalizeFunc;
  loadBackendTranslation?: (
    category: string,
    integration?: string | string[],
    configFlow?: boolean,
  ) => Promise<LocalizeFunc>;
  formatEntityState?: (stateObj: HassEntity, state?: string) => string;
  callWS<T>(msg: Record<string, unknown>): Promise<T>;
  callService(
    domain: string,
    service: string,
    serviceData?: Record<string, unknown>,
    target?: Record<string, unknown>,
    notifyOnError?: boolean,
    returnResponse?: boolean,
  ): Promise<unknown>;
}

/** The card's options as the user writes them. */
export interface CardConfig {
  type: string;
  device_id: string;
  show_gestures?: boolean;
  show_speak?: boolean;
  session_minutes?: number;
}

/** What `bithuman/embed_token` answers. */
export interface EmbedToken {
  url: string;
  expires_at: number;
  /** Seconds the link lasts, from bitHuman's own clock (skew-free). */
  expires_in?: number;
}

/** How Home Assistant rejects a websocket command or an action call. */
export interface HassError {
  code?: string;
  message?: string;
}
