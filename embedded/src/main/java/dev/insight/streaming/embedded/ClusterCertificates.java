package dev.insight.streaming.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The keys of one control plane, made fresh for every start: a CA that signs the API server's
 * serving certificate and every client certificate (the API server trusts it for client
 * authentication), and the key pair that signs and verifies ServiceAccount tokens.
 */
final class ClusterCertificates {

  /** A private key with its certificate, as PEM text. */
  record Credential(PrivateKey key, X509Certificate certificate) {

    String certificatePem() {
      return pem("CERTIFICATE", encoded(certificate));
    }

    String keyPem() {
      return pem("PRIVATE KEY", key.getEncoded());
    }
  }

  private static final Duration VALIDITY = Duration.ofDays(365);
  private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

  private final Credential ca;
  private final KeyPair serviceAccountKeys;

  private ClusterCertificates(Credential ca, KeyPair serviceAccountKeys) {
    this.ca = ca;
    this.serviceAccountKeys = serviceAccountKeys;
  }

  static ClusterCertificates create() {
    KeyPair caKeys = rsa();
    X500Name name = new X500Name("CN=streaming-pipeline-local-ca");
    X509v3CertificateBuilder builder = builder(name, name, caKeys);
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Credential ca = new Credential(caKeys.getPrivate(), sign(builder, caKeys.getPrivate()));
    return new ClusterCertificates(ca, rsa());
  }

  Credential ca() {
    return ca;
  }

  /**
   * A serving certificate for the API server, valid for the loopback address and the in-cluster
   * names.
   */
  Credential serving(List<String> ipAddresses, List<String> dnsNames) {
    return serving("kube-apiserver", ipAddresses, dnsNames);
  }

  /**
   * A serving certificate for a server named {@code commonName}, valid for these addresses and
   * names.
   */
  Credential serving(String commonName, List<String> ipAddresses, List<String> dnsNames) {
    KeyPair keys = rsa();
    X509v3CertificateBuilder builder =
        builder(
            caName(),
            new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build(),
            keys);
    GeneralName[] names = new GeneralName[ipAddresses.size() + dnsNames.size()];
    int i = 0;
    for (String ip : ipAddresses) {
      names[i++] = new GeneralName(GeneralName.iPAddress, ip);
    }
    for (String dns : dnsNames) {
      names[i++] = new GeneralName(GeneralName.dNSName, dns);
    }
    try {
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      builder.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Credential(keys.getPrivate(), sign(builder, ca.key()));
  }

  /**
   * A client certificate: the API server takes the common name as the user and each organisation as
   * a group ({@code system:masters} is the cluster's administrators).
   */
  Credential client(String user, String... groups) {
    KeyPair keys = rsa();
    X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
    for (String group : groups) {
      subject.addRDN(BCStyle.O, group);
    }
    subject.addRDN(BCStyle.CN, user);
    X509v3CertificateBuilder builder = builder(caName(), subject.build(), keys);
    try {
      builder.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Credential(keys.getPrivate(), sign(builder, ca.key()));
  }

  /** Writes the ServiceAccount signing key (PKCS#8) and its public key (X.509) as PEM files. */
  void writeServiceAccountKeys(Path privateKey, Path publicKey) {
    write(privateKey, pem("PRIVATE KEY", serviceAccountKeys.getPrivate().getEncoded()));
    write(publicKey, pem("PUBLIC KEY", serviceAccountKeys.getPublic().getEncoded()));
  }

  /**
   * A TLS context that trusts only this CA and presents {@code client} (or, for a server, its
   * certificate).
   */
  SSLContext sslContext(Credential client) {
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      char[] password = new char[0];
      keys.setKeyEntry("client", client.key(), password, new Certificate[] {client.certificate()});
      KeyManagerFactory keyManagers =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, password);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.certificate());
      TrustManagerFactory trustManagers =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), new SecureRandom());
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(
          "cannot build a TLS context from the control plane's certificates", e);
    }
  }

  static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private X500Name caName() {
    return X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        BigInteger.valueOf(SERIALS.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(VALIDITY)),
        subject,
        keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer)));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a control-plane certificate", e);
    }
  }

  private static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no RSA key generator in this JDK", e);
    }
  }
}
