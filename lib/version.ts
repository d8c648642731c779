import pkg from "../package.json";

/** Redrive's version, reported in the worker heartbeat. */
export const VERSION: string = pkg.version;
