/**
 * TensorFlow.js as loading and running a model needs it: the ops (tfjs-core) and the layers
 * API (tfjs-layers). Not the `@tensorflow/tfjs` bundle, which also loads the converter, tfjs-data,
 * the WebGL and CPU backends, every gradient and the chained ops: about 9 MB of live heap in the
 * server, which V8 then multiplies by its heap growing factor under load. The training code
 * (train.ts, ranker.ts) imports `@tensorflow/tfjs` itself, which registers the gradients on the
 * same tfjs-core; the backends are imported by backend.ts when chosen.
 */
export * from "@tensorflow/tfjs-core";
export * from "@tensorflow/tfjs-layers";
