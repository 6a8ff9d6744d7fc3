package dev.insight.streaming.operator.view;

import dev.insight.streaming.operator.api.StreamingPipeline;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who a web view request comes from and what it may see, as the cluster says: the bearer token goes
 * to a TokenReview, and each namespace's answer to a SubjectAccessReview for {@code get
 * streamingpipelines} (or {@code streamingpipelines/results} for sink rows). Answers are kept for
 * {@link #REMEMBERED} so that a page refreshing every few seconds does not ask the API server each
 * time; a token is kept only as its SHA-256.
 */
public final class ViewAccess {

  /** How long a review's answer is reused. */
  static final Duration REMEMBERED = Duration.ofSeconds(30);

  /** The subresource a viewer needs {@code get} on to see sink rows. */
  public static final String RESULTS =
      dev.insight.streaming.operator.rbac.OperatorAccess.RESULTS_SUBRESOURCE;

  /** At most this many tokens and decisions are remembered; beyond it the oldest half go. */
  private static final int MAX_REMEMBERED = 2048;

  /** A reviewed viewer, as the API server names it. */
  public record Viewer(
      String user, List<String> groups, String uid, Map<String, List<String>> extra) {}

  private record Remembered<T>(T value, Instant until) {}

  private final KubernetesClient client;
  private final Clock clock;
  private final Map<String, Remembered<Optional<Viewer>>> tokens = new LinkedHashMap<>();
  private final Map<String, Remembered<Boolean>> decisions = new LinkedHashMap<>();

  public ViewAccess(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** The viewer a token belongs to; empty when the API server does not accept it. */
  public Optional<Viewer> authenticate(String token) {
    String key = sha256(token);
    Optional<Viewer> known = recall(tokens, key);
    if (known != null) {
      return known;
    }
    TokenReview review =
        client
            .authentication()
            .v1()
            .tokenReviews()
            .create(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build());
    Optional<Viewer> viewer = Optional.empty();
    if (review.getStatus() != null && Boolean.TRUE.equals(review.getStatus().getAuthenticated())) {
      UserInfo user = review.getStatus().getUser();
      viewer =
          Optional.of(
              new Viewer(
                  user.getUsername(),
                  user.getGroups() == null ? List.of() : List.copyOf(user.getGroups()),
                  user.getUid(),
                  user.getExtra() == null ? Map.of() : Map.copyOf(user.getExtra())));
    }
    remember(tokens, key, viewer);
    return viewer;
  }

  /**
   * Whether {@code viewer} may {@code get} StreamingPipelines in {@code namespace} ({@code
   * subresource} null), or the named subresource of them.
   */
  public boolean may(Viewer viewer, String namespace, String subresource) {
    String key =
        viewer.user()
            + '\n'
            + viewer.uid()
            + '\n'
            + String.join(",", viewer.groups())
            + '\n'
            + namespace
            + '\n'
            + subresource;
    Boolean known = recall(decisions, key);
    if (known != null) {
      return known;
    }
    SubjectAccessReview review =
        client
            .authorization()
            .v1()
            .subjectAccessReview()
            .create(
                new SubjectAccessReviewBuilder()
                    .withNewSpec()
                    .withUser(viewer.user())
                    .withGroups(viewer.groups())
                    .withUid(viewer.uid())
                    .withExtra(viewer.extra())
                    .withNewResourceAttributes()
                    .withGroup(StreamingPipeline.GROUP)
                    .withResource(StreamingPipeline.PLURAL)
                    .withSubresource(subresource)
                    .withVerb("get")
                    .withNamespace(namespace)
                    .endResourceAttributes()
                    .endSpec()
                    .build());
    boolean allowed =
        review.getStatus() != null && Boolean.TRUE.equals(review.getStatus().getAllowed());
    remember(decisions, key, allowed);
    return allowed;
  }

  private synchronized <T> T recall(Map<String, Remembered<T>> map, String key) {
    Remembered<T> remembered = map.get(key);
    if (remembered == null || !clock.instant().isBefore(remembered.until())) {
      return null;
    }
    return remembered.value();
  }

  private synchronized <T> void remember(Map<String, Remembered<T>> map, String key, T value) {
    if (map.size() >= MAX_REMEMBERED) {
      var oldest = map.keySet().iterator();
      for (int i = 0; i < MAX_REMEMBERED / 2 && oldest.hasNext(); i++) {
        oldest.next();
        oldest.remove();
      }
    }
    map.remove(key);
    map.put(key, new Remembered<>(value, clock.instant().plus(REMEMBERED)));
  }

  private static String sha256(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
