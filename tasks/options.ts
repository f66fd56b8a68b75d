import type { NewTaskActionFunction } from "hardhat/types/tasks";

/** Option definitions shared by the task files. */
export const SIGNER = {
  name: "signer",
  description: "Account that signs: index among the network's accounts, or address",
  defaultValue: "0",
};

/** A required text option (validated by the action, which names it when missing). */
export function required(name: string, description: string) {
  return { name, description, defaultValue: "" };
}

/** An optional text option with a default. */
export function optional(name: string, description: string, defaultValue: string) {
  return { name, description, defaultValue };
}

/** Erases an action's argument type for the lazy task loader (Hardhat validates the options). */
export type LazyAction = NewTaskActionFunction;
