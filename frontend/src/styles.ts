/** Looks native: Home Assistant's theme variables, with its defaults as fallbacks. */
import { css } from "lit";

/** Buttons, text fields and messages, shared by the card and its editor. */
export const controls = css`
  button {
    font: inherit;
    font-weight: 500;
    min-height: 36px;
    padding: 0 var(--ha-space-4, 16px);
    border-radius: 18px;
    border: 1px solid transparent;
    cursor: pointer;
    transition: background-color 0.15s;
  }
  /* Clearly off yet legible: a grey fill and a secondary-text label (at
     least 4.5:1 on the card in the default themes), never faded. */
  button:disabled {
    cursor: not-allowed;
    background: color-mix(in srgb, var(--disabled-color, #bdbdbd) 32%, transparent);
    border-color: transparent;
    color: var(--secondary-text-color, #727272);
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  iframe:focus-visible {
    outline: 2px solid var(--primary-color, #03a9f4);
    outline-offset: 2px;
  }
  .primary {
    background: var(--primary-color, #03a9f4);
    color: var(--text-primary-color, #fff);
  }
  .primary:not(:disabled):hover {
    background: color-mix(in srgb, var(--primary-color, #03a9f4) 88%, #000);
  }
  .tonal {
    background: color-mix(in srgb, var(--primary-color, #03a9f4) 14%, transparent);
    color: var(--primary-color, #03a9f4);
  }
  .tonal:not(:disabled):hover {
    background: color-mix(in srgb, var(--primary-color, #03a9f4) 24%, transparent);
  }
  .outlined {
    background: transparent;
    border-color: var(--divider-color, rgba(0, 0, 0, 0.12));
    color: var(--primary-text-color, #212121);
  }
  input[type="text"],
  input[type="number"],
  select {
    font: inherit;
    box-sizing: border-box;
    min-height: 40px;
    min-width: 0;
    padding: 0 var(--ha-space-3, 12px);
    border-radius: 8px;
    border: 1px solid var(--divider-color, rgba(0, 0, 0, 0.12));
    background: var(--card-background-color, #fff);
    color: var(--primary-text-color, #212121);
  }
  input::placeholder {
    color: var(--secondary-text-color, #727272);
  }
  input:invalid {
    border-color: var(--error-color, #db4437);
  }
  .message {
    margin: 0;
    padding: var(--ha-space-2, 8px) var(--ha-space-3, 12px);
    border-radius: 8px;
    line-height: 1.4;
  }
  .message.error {
    color: var(--error-color, #db4437);
    background: color-mix(in srgb, var(--error-color, #db4437) 12%, transparent);
  }
  .message.info {
    color: var(--primary-text-color, #212121);
    background: var(--secondary-background-color, rgba(127, 127, 127, 0.1));
  }
  .hint {
    margin: 0;
    color: var(--secondary-text-color, #727272);
    font-size: 0.875rem;
  }
`;

/** The card itself: an ha-card look without creating Home Assistant's elements. */
export const cardStyles = css`
  :host {
    display: block;
  }
  .card {
    box-sizing: border-box;
    height: 100%;
    display: flex;
    flex-direction: column;
    gap: var(--ha-space-3, 12px);
    padding: var(--ha-space-4, 16px);
    background: var(--ha-card-background, var(--card-background-color, #fff));
    color: var(--primary-text-color, #212121);
    border-radius: var(--ha-card-border-radius, 12px);
    border: var(--ha-card-border-width, 1px) solid
      var(--ha-card-border-color, var(--divider-color, #e0e0e0));
    box-shadow: var(--ha-card-box-shadow, none);
    font-family: var(--ha-font-family-body, inherit);
  }
  .header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: var(--ha-space-2, 8px);
  }
  h2 {
    margin: 0;
    font-size: var(--ha-card-header-font-size, 1.25rem);
    font-weight: 500;
    line-height: 1.3;
    overflow-wrap: anywhere;
  }
  .chips {
    display: flex;
    flex-wrap: wrap;
    gap: var(--ha-space-2, 8px);
  }
  .chip {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    padding: 2px 10px;
    border-radius: 12px;
    font-size: 0.8125rem;
    line-height: 20px;
    color: var(--secondary-text-color, #727272);
    background: var(--secondary-background-color, rgba(127, 127, 127, 0.1));
  }
  .chip b {
    font-weight: 500;
    color: var(--primary-text-color, #212121);
  }
  .chip.on {
    color: var(--text-primary-color, #fff);
    background: var(--error-color, #db4437);
  }
  .chip.on b {
    color: inherit;
  }
  .dot {
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: var(--warning-color, #ffa600);
  }
  .dot.ready {
    background: var(--success-color, #43a047);
  }
  .dot.failed {
    background: var(--error-color, #db4437);
  }
  .media {
    width: 100%;
    aspect-ratio: 4 / 3;
    max-height: 70vh;
    border-radius: 8px;
    overflow: hidden;
    background: var(--secondary-background-color, rgba(127, 127, 127, 0.1));
  }
  .media img,
  .media iframe {
    display: block;
    width: 100%;
    height: 100%;
    border: 0;
    object-fit: contain;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--ha-space-2, 8px);
  }
  .countdown {
    color: var(--secondary-text-color, #727272);
    font-size: 0.875rem;
    font-variant-numeric: tabular-nums;
  }
  .section-label {
    margin: 0;
    font-size: 0.875rem;
    font-weight: 500;
    color: var(--secondary-text-color, #727272);
  }
  form {
    display: flex;
    gap: var(--ha-space-2, 8px);
  }
  form input {
    flex: 1;
  }
`;

export const editorStyles = css`
  .editor {
    display: flex;
    flex-direction: column;
    gap: var(--ha-space-4, 16px);
    color: var(--primary-text-color, #212121);
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: var(--ha-space-1, 4px);
  }
  .field > span:first-child {
    font-weight: 500;
  }
  .check {
    display: flex;
    align-items: center;
    gap: var(--ha-space-2, 8px);
    cursor: pointer;
  }
  .check input {
    width: 18px;
    height: 18px;
    margin: 0;
    accent-color: var(--primary-color, #03a9f4);
  }
`;
