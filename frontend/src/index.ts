/**
 * The bundle's entry: define the card and its editor, and list the card in
 * the dashboard's card picker. Safe to load twice (e.g. two version queries).
 */
import { BithumanAvatarCard, CARD_TAG, EDITOR_TAG } from "./bithuman-avatar-card";
import { BithumanAvatarCardEditor } from "./editor";

function defineElements(): void {
  if (!customElements.get(CARD_TAG)) {
    customElements.define(CARD_TAG, class extends BithumanAvatarCard {});
  }
  if (!customElements.get(EDITOR_TAG)) {
    customElements.define(EDITOR_TAG, class extends BithumanAvatarCardEditor {});
  }
}

defineElements();
// Loaded before the app (a cold cache), the definitions are lost when the app
// installs its own element registry (home-assistant/frontend#53890): define
// them again once it is up. A class can be defined only once, hence the
// subclasses.
void customElements.whenDefined("home-assistant").then(defineElements);

interface CustomCardEntry {
  type: string;
  name: string;
  description: string;
  preview: boolean;
}

const picker = window as unknown as { customCards?: CustomCardEntry[] };
picker.customCards ??= [];
if (!picker.customCards.some((card) => card.type === CARD_TAG)) {
  picker.customCards.push({
    type: CARD_TAG,
    name: "bitHuman avatar",
    description: "Start a bitHuman talking avatar on demand, play its gestures and make it speak.",
    preview: true,
  });
}
