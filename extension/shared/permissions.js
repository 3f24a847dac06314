/** The optional permission desktop notifications need; the agent grants it in the panel or the options. */
export const NOTIFICATIONS_PERMISSION = Object.freeze({ permissions: ["notifications"] });
