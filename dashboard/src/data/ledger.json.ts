import { emit } from "../../loaders/artifacts.js";
import { loadLedgerData } from "../../loaders/ledger.js";

await emit("ledger.json", loadLedgerData);
