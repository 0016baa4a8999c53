/**
 * Model artifacts in the TensorFlow.js layers format, as bytes: `model.json` (topology and a
 * weights manifest pointing at `weights.bin`) and `weights.bin`. The `file://` handler needs
 * tfjs-node, so saving and loading go through memory; writing the files is the caller's job.
 */
import * as tf from "./tf.js";
// Registers the custom layers a saved topology may name.
import "./networks.js";

const WEIGHTS_FILE = "weights.bin";

interface ModelArtifactsBytes {
  modelJson: string;
  weights: Uint8Array;
}

interface ModelJson {
  format: string;
  generatedBy: string;
  convertedBy: null;
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

function toBytes(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
}

/**
 * Serialises topology and weights. No training configuration or save date is written, so the
 * same weights always give the same bytes.
 */
export async function saveModelArtifacts(
  model: tf.LayersModel,
  weightsFile: string = WEIGHTS_FILE,
): Promise<ModelArtifactsBytes> {
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  if (!captured?.modelTopology || !captured.weightSpecs) {
    throw new Error("saveModelArtifacts: tfjs produced no topology or weights");
  }
  const json: ModelJson = {
    format: "layers-model",
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
    modelTopology: captured.modelTopology as object,
    weightsManifest: [{ paths: [weightsFile], weights: captured.weightSpecs }],
  };
  return { modelJson: JSON.stringify(json), weights: toBytes(captured.weightData) };
}

/** Rebuilds a model from `model.json` text and the bytes of `weights.bin`. */
export async function loadModelArtifacts(
  modelJson: string,
  weights: Uint8Array,
): Promise<tf.LayersModel> {
  const json = JSON.parse(modelJson) as Partial<ModelJson>;
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new Error("loadModelArtifacts: model.json lacks modelTopology or weightsManifest");
  }
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  const expected = weightSpecs.reduce(
    (sum, spec) =>
      sum + spec.shape.reduce((a, b) => a * b, 1) * (DTYPE_BYTES[spec.dtype] ?? Number.NaN),
    0,
  );
  if (expected !== weights.byteLength) {
    throw new Error(
      `loadModelArtifacts: model.json describes ${expected} weight bytes, ${WEIGHTS_FILE} has ${weights.byteLength}`,
    );
  }
  const buffer = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs,
      weightData: buffer as ArrayBuffer,
    }),
  );
}
