export * from "cdktn";
