/** The chain of this deployment for viem and wagmi: reads through the configured RPC URL. */
import { createPublicClient, defineChain, http, type Chain, type PublicClient } from "viem";
import { createConfig, type Config } from "wagmi";

import { config, txUrl } from "../config";

let chain: Chain | undefined;
let publicClient: PublicClient | undefined;
let wagmiConfig: Config | undefined;

export function portalChain(): Chain {
  if (chain === undefined) {
    const c = config();
    const explorer = txUrl("0x", c.chainId)?.replace(/\/tx\/0x$/, "");
    chain = defineChain({
      id: c.chainId,
      name: c.chainName,
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [c.rpcUrl] } },
      blockExplorers: explorer === undefined ? undefined : { default: { name: "Explorer", url: explorer } },
    });
  }
  return chain;
}

export function getPublicClient(): PublicClient {
  publicClient ??= createPublicClient({ chain: portalChain(), transport: http(config().rpcUrl) });
  return publicClient;
}

/**
 * wagmi finds every injected wallet through EIP-6963 (`multiInjectedProviderDiscovery`): each
 * announced provider becomes a connector. (Extension point: an ERC-5792 / paymaster connector
 * for sponsored calls goes into `connectors`.)
 */
export function getWagmiConfig(): Config {
  wagmiConfig ??= createConfig({
    chains: [portalChain()],
    connectors: [],
    multiInjectedProviderDiscovery: true,
    transports: { [portalChain().id]: http(config().rpcUrl) },
  });
  return wagmiConfig;
}
