/** The derpring command line. Filled in by the load-generator issue. */
package io.derpring.cli;
