/** The indexer's `/api/status` (chain, token, contracts), loaded once for every page. */
import { createContext, useContext, type ReactNode } from "react";

import { api, type Status } from "../api/client";
import { useLoad } from "./useLoad";

const Context = createContext<Status | undefined>(undefined);

export function StatusProvider({ children }: { children: ReactNode }) {
  const { data } = useLoad(() => api.status(), []);
  return <Context.Provider value={data}>{children}</Context.Provider>;
}

export const useStatus = (): Status | undefined => useContext(Context);
