import { emit } from "../../loaders/artifacts.js";
import { loadOverviewData } from "../../loaders/overview.js";

await emit("overview.json", loadOverviewData);
