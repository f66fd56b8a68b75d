/**
 * The wallet's pages: connect an injected wallet (found through EIP-6963), then act as a citizen
 * (apply, withdraw, renew), a firm (sealed bid, reveal) or a beneficiary (claim). Loaded lazily:
 * the public pages never download wagmi.
 */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { WagmiProvider, useConnect, useConnection, useConnectors, useDisconnect, useSwitchChain } from "wagmi";

import { PageTitle } from "../components/common";
import { config } from "../config";
import { useI18n } from "../i18n";
import { BidPage } from "./Bid";
import { getWagmiConfig } from "./chain";
import { CitizenPage } from "./Citizen";
import { ClaimPage } from "./Claim";

const queryClient = new QueryClient();

export interface Account {
  address: `0x${string}` | undefined;
  /** Connected to the deployment's chain. */
  ready: boolean;
}

function ConnectPanel() {
  const { t } = useI18n();
  const connectors = useConnectors();
  const { connect, isPending, error } = useConnect();
  const { disconnect } = useDisconnect();
  const { switchChain } = useSwitchChain();
  const connection = useConnection();
  const want = config().chainId;
  if (connection.isConnected && connection.address) {
    return (
      <section className="card wallet-panel" aria-labelledby="wallet-heading">
        <h2 id="wallet-heading">{t("wallet.connected")}</h2>
        <p>
          {t("wallet.account")}{" "}
          <code className="hash" data-account={connection.address}>
            {connection.address}
          </code>
          {connection.connector && <> · {connection.connector.name}</>}
        </p>
        {connection.chainId !== want && (
          <p role="alert" className="note note-error">
            {t("wallet.wrongChain", { chain: config().chainName, id: want })}{" "}
            <button type="button" onClick={() => switchChain({ chainId: want })}>
              {t("wallet.switch")}
            </button>
          </p>
        )}
        <button type="button" className="secondary" onClick={() => disconnect()}>
          {t("wallet.disconnect")}
        </button>
      </section>
    );
  }
  return (
    <section className="card wallet-panel" aria-labelledby="wallet-heading">
      <h2 id="wallet-heading">{t("wallet.connectTitle")}</h2>
      {connectors.length === 0 ? (
        <div className="note" data-no-wallet="true">
          <p>
            <strong>{t("wallet.none")}</strong>
          </p>
          <p>{t("wallet.noneHelp")}</p>
          <p>{t("wallet.nonePublic")}</p>
        </div>
      ) : (
        <>
          <p>{t("wallet.choose")}</p>
          <ul className="connectors">
            {connectors.map((c) => (
              <li key={c.uid}>
                <button type="button" disabled={isPending} onClick={() => connect({ connector: c, chainId: want })}>
                  {c.icon && <img src={c.icon} alt="" width={20} height={20} />}{" "}
                  {t("wallet.connectWith", { name: c.name })}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {error && (
        <p role="alert" className="note note-error">
          {t("wallet.connectFailed", { message: error.message.split("\n")[0] })}
        </p>
      )}
    </section>
  );
}

function Routes({ path }: { path: string[] }) {
  const { t } = useI18n();
  const connection = useConnection();
  const account: Account = {
    address: connection.isConnected ? connection.address : undefined,
    ready: connection.isConnected && connection.chainId === config().chainId,
  };
  const [view, id] = path;
  let body: ReactNode;
  let title: string;
  if (view === "bid" && id !== undefined) {
    title = t("bid.title", { id });
    body = <BidPage tenderId={id} account={account} />;
  } else if (view === "claim" && id !== undefined) {
    title = t("claim.title", { id });
    body = <ClaimPage programId={id} account={account} />;
  } else {
    title = t("citizen.title");
    body = <CitizenPage account={account} />;
  }
  return (
    <>
      <PageTitle title={title}>{title}</PageTitle>
      <ConnectPanel />
      {body}
    </>
  );
}

export default function WalletPage({ path }: { path: string[] }) {
  const [wagmi] = useState(getWagmiConfig);
  return (
    <WagmiProvider config={wagmi}>
      <QueryClientProvider client={queryClient}>
        <Routes path={path} />
      </QueryClientProvider>
    </WagmiProvider>
  );
}
