/** Runtime images `init` can choose between (see images.ts for the references). */
export const runtimeNames = ["scratch", "distroless", "alpine", "debian"] as const;
export type RuntimeName = (typeof runtimeNames)[number];
