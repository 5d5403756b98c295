/**
 * The engine's validated settings as one internal value, {@link io.derpring.internal.engine.DerpEngineConfig}:
 * embedders set them through {@code NettyDerpEngine.builder()}; a transport hands the built value to
 * {@link io.derpring.engine.DerpEngine}.
 */
package io.derpring.internal.engine;
