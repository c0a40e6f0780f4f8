/**
 * Shape buckets: one graph compiled for several fixed shapes, served as one model of variable shape
 * ({@link dev.neuron4j.buckets.ShapeBuckets}). A request runs on the smallest compiled model that holds it,
 * padded with each input's pad value, and its outputs are sliced back to its shapes. Built on the public API
 * only ({@link dev.neuron4j.Model}); no server needed. Guide: {@code docs/buckets.md}.
 */
package dev.neuron4j.buckets;
