// A stand-in for Home Assistant's `hass` object: two bitHuman agents, the
// account's service device, and a device of another integration.

const DEV = new URL("./", import.meta.url);

const STATE_TEXT = {
  ready: "Ready",
  generating: "Generating",
  processing: "Processing",
  failed: "Failed",
  on: "On",
  off: "Off",
  unavailable: "Unavailable",
  unknown: "Unknown",
};

const entity = (entity_id, device_id, translation_key, platform = "bithuman") => ({
  entity_id,
  device_id,
  translation_key,
  platform,
});

function agentEntities(slug, deviceId, gestures) {
  const list = [
    entity(`sensor.${slug}_status`, deviceId, "status"),
    entity(`binary_sensor.${slug}_live`, deviceId, "live"),
    entity(`image.${slug}_portrait`, deviceId, "portrait"),
    entity(`notify.${slug}_speak`, deviceId, "speak"),
    entity(`button.${slug}_end_session`, deviceId, "end_session"),
    entity(`binary_sensor.${slug}_dynamics_ready`, deviceId, "dynamics_ready"),
    // Its translation key starts like a gesture's; it is not one.
    entity(`sensor.${slug}_gestures`, deviceId, "gestures"),
  ];
  for (const gesture of gestures) {
    // A gesture bitHuman documents has a translation key of its own.
    const key = gesture === "mini_wave_hello" ? `gesture_${gesture}` : "gesture";
    list.push(entity(`button.${slug}_${gesture}`, deviceId, key));
  }
  return list;
}

/**
 * Build a hass object. `options`:
 *   status, live: states of the first agent (Aiko)
 *   dynamicsReady: state of Aiko's Dynamics ready sensor (default "on")
 *   gestures: state of all of Aiko's gesture buttons (default: two usable,
 *     Thumbs up "unavailable" or `thumbsUp`)
 *   embed: "ok" | an error object to reject `bithuman/embed_token` with
 *   expiresIn: seconds until the embed URL expires (default 3600)
 *   speak: "ok" | an error object to reject `bithuman.speak` with
 *   translations: {key: text} the backend knows for selector.card.options
 *   language: hass.language
 */
export function makeHass(options = {}) {
  const calls = [];
  const devices = {
    dev_aiko: { id: "dev_aiko", name: "Aiko", manufacturer: "bitHuman", model: "essence-2" },
    dev_nova: { id: "dev_nova", name: "Nova", manufacturer: "bitHuman", model: "expression-2" },
    dev_account: {
      id: "dev_account",
      name: "bitHuman account",
      manufacturer: "bitHuman",
      entry_type: "service",
    },
    dev_lamp: { id: "dev_lamp", name: "Desk lamp", manufacturer: "Acme" },
  };
  const list = [
    ...agentEntities("aiko", "dev_aiko", ["mini_wave_hello", "nod", "thumbs_up"]),
    ...agentEntities("nova", "dev_nova", []),
    entity("sensor.bithuman_account_credit_balance", "dev_account", "credit_balance"),
    entity("light.desk_lamp", "dev_lamp", null, "hue"),
  ];
  const entities = Object.fromEntries(list.map((e) => [e.entity_id, e]));
  const portrait = new URL("portrait.svg", DEV).pathname;
  const st = (entity_id, state, attributes = {}) => [entity_id, { entity_id, state, attributes }];
  const states = Object.fromEntries([
    st("sensor.aiko_status", options.status ?? "ready", { friendly_name: "Aiko Status" }),
    st("binary_sensor.aiko_live", options.live ?? "off", { friendly_name: "Aiko Live" }),
    st("image.aiko_portrait", "2026-11-30T10:00:00+00:00", { entity_picture: portrait }),
    st("notify.aiko_speak", "unknown"),
    st("button.aiko_end_session", "unknown", { friendly_name: "Aiko End session" }),
    st("binary_sensor.aiko_dynamics_ready", options.dynamicsReady ?? "on"),
    st("sensor.aiko_gestures", "3", { friendly_name: "Aiko Gestures" }),
    st("button.aiko_mini_wave_hello", options.gestures ?? "unknown", {
      friendly_name: "Aiko Mini wave hello",
      gesture: "mini_wave_hello",
    }),
    st("button.aiko_nod", options.gestures ?? "unknown", {
      friendly_name: "Aiko Nod",
      gesture: "nod",
    }),
    st("button.aiko_thumbs_up", options.gestures ?? options.thumbsUp ?? "unavailable", {
      friendly_name: "Aiko Thumbs up",
      gesture: "thumbs_up",
    }),
    st("sensor.nova_status", "generating"),
    st("binary_sensor.nova_live", "off"),
    st("image.nova_portrait", "x", { entity_picture: portrait }),
    st("notify.nova_speak", "unknown"),
    st("button.nova_end_session", "unknown"),
    st("binary_sensor.nova_dynamics_ready", "off"),
    st("sensor.bithuman_account_credit_balance", "1200"),
    st("light.desk_lamp", "on"),
  ]);

  let known = {};
  const localize = (key, values) => {
    const text = known[key];
    if (!text) return "";
    return text.replace(/\{(\w+)\}/g, (w, n) => (values && n in values ? String(values[n]) : w));
  };

  const hass = {
    language: options.language ?? "en",
    states,
    entities,
    devices,
    calls,
    localize,
    formatEntityState: (stateObj) => STATE_TEXT[stateObj.state] ?? stateObj.state,
    async loadBackendTranslation(category, integration) {
      calls.push(["loadBackendTranslation", category, integration]);
      known = Object.fromEntries(
        Object.entries(options.translations ?? {}).map(([k, v]) => [
          `component.bithuman.selector.card.options.${k}`,
          v,
        ]),
      );
      return localize;
    },
    async callWS(msg) {
      calls.push(["callWS", msg]);
      const embed = options.embed ?? "ok";
      if (embed !== "ok") throw embed;
      return {
        url: new URL("fake-embed.html?token=stub-token", DEV).href,
        // bitHuman's clock half a year behind this browser's, as on the
        // simulator's manual clock: only expires_in may be trusted.
        expires_at: Date.now() / 1000 - 180 * 86400 + (options.expiresIn ?? 3600),
        expires_in: options.expiresIn ?? 3600,
      };
    },
    async callService(domain, service, data, target, notify, returnResponse) {
      calls.push(["callService", domain, service, data, target, notify, returnResponse]);
      if (domain === "bithuman" && service === "speak") {
        const speak = options.speak ?? "ok";
        if (speak !== "ok") throw speak;
        return {
          context: { id: "c1" },
          response: options.speakResponse ?? { agents: { A78WKV4515: { delivered_to_rooms: 1 } } },
        };
      }
      return { context: { id: "c2" } };
    },
  };
  return hass;
}

/** Home Assistant's default light and dark theme colours, enough for the card. */
export const THEMES = {
  light: {
    "--primary-color": "#009ac7",
    "--text-primary-color": "#ffffff",
    "--primary-text-color": "#141414",
    "--secondary-text-color": "#5e5e5e",
    "--primary-background-color": "#f2f4f9",
    "--secondary-background-color": "#eef0f5",
    "--card-background-color": "#ffffff",
    "--disabled-text-color": "#bdbdbd",
    "--disabled-color": "#bdbdbd",
    "--divider-color": "rgba(0, 0, 0, 0.12)",
    "--error-color": "#db4437",
    "--warning-color": "#ffa600",
    "--success-color": "#43a047",
    "--ha-card-border-radius": "12px",
  },
  dark: {
    "--primary-color": "#009ac7",
    "--text-primary-color": "#ffffff",
    "--primary-text-color": "#e1e1e1",
    "--secondary-text-color": "#9b9b9b",
    "--primary-background-color": "#111111",
    "--secondary-background-color": "#282828",
    "--card-background-color": "#1c1c1c",
    "--disabled-text-color": "#6f6f6f",
    "--disabled-color": "#464646",
    "--divider-color": "rgba(225, 225, 225, 0.12)",
    "--error-color": "#ef5350",
    "--warning-color": "#ffa600",
    "--success-color": "#45a049",
    "--ha-card-border-radius": "12px",
  },
};

/** Undo `applyTheme`: back to the card's built-in fallbacks. */
export function clearTheme() {
  for (const k of Object.keys(THEMES.light)) document.documentElement.style.removeProperty(k);
  document.documentElement.style.colorScheme = "";
  document.body.style.background = document.body.style.color = "";
}

export function applyTheme(name) {
  const theme = THEMES[name] ?? THEMES.light;
  for (const [k, v] of Object.entries(theme)) document.documentElement.style.setProperty(k, v);
  document.documentElement.style.colorScheme = name === "dark" ? "dark" : "light";
  document.body.style.background = theme["--primary-background-color"];
  document.body.style.color = theme["--primary-text-color"];
}
