import { emit } from "../../loaders/artifacts.js";
import { loadForecastData } from "../../loaders/forecast.js";

await emit("forecast.json", loadForecastData);
