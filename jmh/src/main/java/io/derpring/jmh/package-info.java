/** JMH benchmarks over the engine. */
package io.derpring.jmh;
