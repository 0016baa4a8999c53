import { emit } from "../../loaders/artifacts.js";
import { loadModelData } from "../../loaders/model.js";

await emit("model.json", loadModelData);
