// Preload (`node --import ./sponsor/src/loopback.mjs ...`) that keeps every server the process
// opens on 127.0.0.1: a wildcard host (none, "0.0.0.0", "::") becomes the loopback address.
// Alto (the bundler the end-to-end test runs) listens on 0.0.0.0 with no option to change it.
import net from "node:net";

const WILDCARD = new Set([undefined, null, "", "0.0.0.0", "::"]);
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (args[0] !== null && typeof args[0] === "object" && !Array.isArray(args[0])) {
    if (WILDCARD.has(args[0].host) && args[0].path === undefined) args[0] = { ...args[0], host: "127.0.0.1" };
  } else if (typeof args[0] === "number" || (typeof args[0] === "string" && /^\d+$/.test(args[0]))) {
    if (typeof args[1] !== "string" || WILDCARD.has(args[1])) {
      const rest =
        typeof args[1] === "string" || args[1] === undefined || args[1] === null ? args.slice(2) : args.slice(1);
      args = [args[0], "127.0.0.1", ...rest];
    }
  }
  return listen.apply(this, args);
};
