import { emit } from "../../loaders/artifacts.js";
import { loadFeatureRegistry } from "../../loaders/symbols.js";

await emit("features.json", loadFeatureRegistry);
