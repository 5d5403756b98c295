package io.derpring.transport.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;

class TlsProviderChoiceTest {

    @Test
    void boringSslIsChosenWhereItLoadsElseTheJdk() {
        assertThat(DerpClientTls.PROVIDER).isEqualTo(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK);
    }

    @Test
    void boringSslLoadsOnLinuxX8664WhereTheNativeJarShips() {
        if (System.getProperty("os.name").startsWith("Linux") && System.getProperty("os.arch").equals("amd64")) {
            assertThat(OpenSsl.isAvailable()).as("netty-tcnative-boringssl-static linux-x86_64: %s",
                OpenSsl.unavailabilityCause()).isTrue();
        }
    }
}
