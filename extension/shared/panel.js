/** The port a panel page opens to the background, for as long as it is open. */
export const PANEL_PORT = "cif-bridge-panel";

/**
 * What a panel page and the background say on that port. The page says
 * Hello first, and whether it hosts providers (the toolbar popup does
 * not); the background answers with State, again after every change.
 */
export const PanelMessage = Object.freeze({
  /** page → background: {hosting} */
  Hello: "hello",
  /** background → page: {hosting, providers: [{id, label, landingUrl, origins}], active, mode, bars} */
  State: "state",
  /** page → background: {provider}, the provider the agent chose to see */
  Show: "show",
  /** page → background: {width}, the provider region's width in CSS pixels */
  Width: "width",
  /** page → background: {mode}, the agent minimised (0), docked (1) or hid (2) the providers */
  Mode: "mode",
  /** page → background: {id}, the agent closed a message bar */
  Dismiss: "dismiss",
  /** page → background: {id}, the agent clicked a message bar's action */
  Action: "action",
});
