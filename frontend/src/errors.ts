/** Turning a rejected call into a message the user can act on. */
import { localize, type StringKey } from "./localize";
import type { HassError, HomeAssistant } from "./types";

/** Errors of `bitHuman/embed_token` the card words itself. */
const START_ERRORS: Record<string, StringKey> = {
  unauthorized: "error_unauthorized",
  not_ready: "error_not_ready",
  insufficient_credits: "error_insufficient_credits",
  not_found: "error_not_found",
};

/** The message Home Assistant sent with the error, if any. */
export function errorMessage(err: unknown): string {
  const message = (err as HassError | undefined)?.message;
  return typeof message === "string" ? message.trim() : "";
}

/** Why the avatar did not start. */
export function startErrorText(hass: HomeAssistant, err: unknown): string {
  const code = (err as HassError | undefined)?.code;
  const own = typeof code === "string" ? START_ERRORS[code] : undefined;
  if (own) {
    return localize(hass, own);
  }
  // cannot_connect, api_error, rate_limited: Home Assistant translated it.
  const message = errorMessage(err);
  if (message) {
    return message;
  }
  return localize(hass, code === "cannot_connect" ? "error_cannot_connect" : "error_start_failed");
}
