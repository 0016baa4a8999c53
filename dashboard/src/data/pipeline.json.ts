import { emit } from "../../loaders/artifacts.js";
import { loadPipelineData } from "../../loaders/pipeline.js";

await emit("pipeline.json", loadPipelineData);
