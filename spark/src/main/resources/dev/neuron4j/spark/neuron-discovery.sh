#!/usr/bin/env bash
# Spark resource discovery for NeuronCores (neuron4j-spark): prints
#   {"name": "neuron", "addresses": ["0", "1", ...]}
# with the host's NeuronCores as the Neuron runtime counts them (NEURON_RT_VISIBLE_CORES, when set, limits them).
# Use it as spark.executor.resource.neuron.discoveryScript (or spark.worker.resource.neuron.discoveryScript in
# standalone mode). It runs the class dev.neuron4j.spark.NeuronCoreDiscovery with the class path
# NEURON4J_CLASSPATH, by default every jar in the script's own directory (put it beside neuron4j-spark, neuron4j
# and javacpp's jars). Set JAVA_HOME to pick the JVM; libnrt is found as by neuron4j (NEURON4J_NRT_PATH, then
# /opt/aws/neuron/lib). NEURON4J_SPARK_RESOURCE renames the resource (e.g. neuroncore on Kubernetes; it must
# match spark.neuron4j.resource.name).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$java" -cp "${NEURON4J_CLASSPATH:-$here/*}" dev.neuron4j.spark.NeuronCoreDiscovery
