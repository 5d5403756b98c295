/** Synthetic DERP traffic generator. Filled in by the load-generator issue. */
package io.derpring.loadgen;
