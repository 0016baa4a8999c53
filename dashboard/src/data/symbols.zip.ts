import { emit } from "../../loaders/artifacts.js";
import { symbolsZip } from "../../loaders/symbols.js";

await emit("symbols.zip", symbolsZip);
