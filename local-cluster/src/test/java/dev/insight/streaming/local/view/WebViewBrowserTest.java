package dev.insight.streaming.local.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.insight.streaming.embedded.EmbeddedCassandra;
import dev.insight.streaming.embedded.EmbeddedKafka;
import dev.insight.streaming.embedded.EmbeddedMongo;
import dev.insight.streaming.embedded.SharedServers;
import dev.insight.streaming.local.cluster.LocalCluster;
import dev.insight.streaming.local.demo.DemoManifest;
import dev.insight.streaming.local.demo.EventProducer;
import dev.insight.streaming.local.demo.ServerAddresses;
import dev.insight.streaming.local.demo.SinkCounter;
import dev.insight.streaming.local.demo.ViewerToken;
import dev.insight.streaming.local.pods.WorkDirs;
import dev.insight.streaming.local.stories.SharedCluster;
import dev.insight.streaming.operator.api.StreamingPipeline;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The web view in headless Chromium against the local cluster's operator, with the demo pipeline
 * running on real Kafka, Cassandra and MongoDB-wire servers, as three viewers: a ServiceAccount
 * bound to the chart's results-viewer ClusterRole, one that may only get pipelines, and one with no
 * rights; and as nobody, without a token. Each page's screenshot goes to {@code
 * target/screenshots/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebViewBrowserTest {

  static final String NS = "web";
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  static Path work;
  static LocalCluster cluster;
  static ServerAddresses servers;
  static StreamingPipeline pipeline;
  static EventProducer producer;
  static SinkCounter sinks;
  static Browser browser;
  static String base;
  static String viewer;
  static String lister;
  static String outsider;
  static int loads;

  @BeforeAll
  static void start() {
    EmbeddedKafka kafka = SharedServers.kafka();
    EmbeddedCassandra cassandra = SharedServers.cassandra();
    EmbeddedMongo mongo = SharedServers.mongo();
    servers =
        new ServerAddresses(
            kafka.bootstrapServers(),
            cassandra.contactPoint(),
            cassandra.localDatacenter(),
            mongo.connectionString());
    work = WorkDirs.forTest(WebViewBrowserTest.class);
    // the suite's shared cluster: this story's pipeline has a namespace of its own
    cluster = SharedCluster.get();
    KubernetesClient client = cluster.client();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();

    // the demo pipeline in its own namespace, topic, keyspace and database: the shared servers
    // hold other stories' demo data
    DemoManifest demo = DemoManifest.demo(client, servers);
    demo.secrets().forEach(secret -> secret.getMetadata().setNamespace(NS));
    StreamingPipeline p = demo.pipeline();
    p.getMetadata().setNamespace(NS);
    p.getSpec().getKafka().getTopics().get(0).setName("web.events");
    p.getSpec().getSinks().getCassandra().setKeyspace("web");
    p.getSpec().getSinks().getMongodb().setDatabase("web");
    pipeline = demo.apply(client);

    viewer = ViewerToken.create(client, NS, "viewer", Duration.ofHours(1));
    lister = listerToken(client);
    client
        .serviceAccounts()
        .inNamespace(NS)
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("outsider")
                .withNamespace(NS)
                .endMetadata()
                .build())
        .create();
    outsider = ViewerToken.token(client, NS, "outsider", Duration.ofHours(1));

    producer = new EventProducer(servers.bootstrapServers(), "web.events", 300, 0, "w-").start();
    sinks = new SinkCounter(pipeline, servers);
    base = "http://" + LocalCluster.HOST + ":" + cluster.operator().httpPort();
    browser = Browser.start(work.resolve("chromium-profile"));
  }

  /** A ServiceAccount that may get and list pipelines in the namespace, and nothing more. */
  static String listerToken(KubernetesClient client) {
    client
        .serviceAccounts()
        .inNamespace(NS)
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("lister")
                .withNamespace(NS)
                .endMetadata()
                .build())
        .create();
    client
        .rbac()
        .roles()
        .inNamespace(NS)
        .resource(
            new RoleBuilder()
                .withNewMetadata()
                .withName("pipeline-lister")
                .withNamespace(NS)
                .endMetadata()
                .withRules(
                    new PolicyRuleBuilder()
                        .withApiGroups(StreamingPipeline.GROUP)
                        .withResources(StreamingPipeline.PLURAL)
                        .withVerbs("get", "list")
                        .build())
                .build())
        .create();
    client
        .rbac()
        .roleBindings()
        .inNamespace(NS)
        .resource(
            new RoleBindingBuilder()
                .withNewMetadata()
                .withName("lister")
                .withNamespace(NS)
                .endMetadata()
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("Role")
                .withName("pipeline-lister")
                .endRoleRef()
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName("lister")
                .withNamespace(NS)
                .endSubject()
                .build())
        .create();
    return ViewerToken.token(client, NS, "lister", Duration.ofHours(1));
  }

  @AfterAll
  static void stop() {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (producer != null) {
        producer.close();
      }
      if (sinks != null) {
        sinks.close();
      }
      // the shared cluster stops with the suite's JVM; this story's pods go with its pipeline
      if (cluster != null && pipeline != null) {
        cluster.client().resource(pipeline).delete();
        await()
            .atMost(Duration.ofSeconds(90))
            .until(() -> cluster.client().pods().inNamespace(NS).list().getItems().isEmpty());
      }
    }
  }

  /** Waits on the page, which redraws every 5 s: an element read mid-redraw is read again. */
  static org.awaitility.core.ConditionFactory onPage() {
    return await()
        .pollInterval(Duration.ofMillis(500))
        .ignoreException(org.openqa.selenium.StaleElementReferenceException.class);
  }

  /** Opens a view page as the holder of {@code token} (a fresh load, the token in the fragment). */
  static ChromeDriver open(String page, String token) {
    ChromeDriver driver = browser.driver();
    driver.get(
        base
            + "/view/"
            + page
            + (page.contains("?") ? "&" : "?")
            + "load="
            + (++loads)
            + (token == null ? "" : "#token=" + token));
    return driver;
  }

  static String text(ChromeDriver driver, String id) {
    return driver.findElement(By.id(id)).getText();
  }

  @Test
  @Order(1)
  void thePipelinesPageListsTheDemoPipelineWithTheKubectlColumns() {
    ChromeDriver driver = open("", viewer);
    onPage()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              List<WebElement> rows =
                  driver.findElements(By.cssSelector("#pipelines tbody tr[data-name='demo']"));
              assertThat(rows).hasSize(1);
              List<String> cells =
                  rows.get(0).findElements(By.tagName("td")).stream()
                      .map(WebElement::getText)
                      .toList();
              assertThat(cells).hasSize(8);
              assertThat(cells.get(0)).isEqualTo(NS);
              assertThat(cells.get(1)).isEqualTo("demo");
              assertThat(cells.get(2)).as("phase").isEqualTo("Running");
              assertThat(cells.get(3)).as("ready").isEqualTo("True");
              assertThat(cells.get(4)).as("lag").matches("\\d+");
              assertThat(cells.get(5)).as("behind").matches("\\d+");
              assertThat(cells.get(6)).as("driver").isEqualTo("Running");
              assertThat(cells.get(7)).as("age").matches("\\d+[smhd]");
            });
    assertThat(
            driver.findElements(By.cssSelector("#pipelines th")).stream().map(WebElement::getText))
        .containsExactly("Namespace", "Name", "Phase", "Ready", "Lag", "Behind", "Driver", "Age");
    assertThat(text(driver, "viewer")).contains("system:serviceaccount:web:viewer");
    browser.screenshot(SCREENSHOTS.resolve("pipelines.png"));
  }

  @Test
  @Order(2)
  void thePipelinePageChartsTheLagItsLastPointIsTheStatusAndPausingBringsItToZero() {
    ChromeDriver driver = open("", viewer);
    onPage()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !driver.findElements(By.linkText("demo")).isEmpty());
    driver.findElement(By.linkText("demo")).click();
    onPage()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(text(driver, "title")).isEqualTo(NS + "/demo"));
    // both figures come from one response: the monitor's newest sample and the status it wrote
    onPage()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              String last = driver.findElement(By.id("chart-lag")).getAttribute("data-last");
              assertThat(last).as("the lag chart's last point").matches("\\d+");
              assertThat(text(driver, "status-total")).as("status.lag.total").isEqualTo(last);
              assertThat(cluster.client().resource(pipeline).get().getStatus().getLag().getTotal())
                  .isNotNull();
            });
    onPage()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(driver.findElements(By.cssSelector("#chart-lag polyline"))).hasSize(1);
              assertThat(driver.findElements(By.cssSelector("#pods tbody tr")))
                  .extracting(row -> row.getText())
                  .anySatisfy(row -> assertThat(row).contains("driver", "Running"))
                  .anySatisfy(row -> assertThat(row).contains("executor"));
              assertThat(driver.findElement(By.cssSelector("#topics tbody")).getText())
                  .contains("web.events", "4");
              assertThat(driver.findElements(By.cssSelector("#partitions tbody tr"))).hasSize(4);
              assertThat(driver.findElement(By.cssSelector("#conditions tbody")).getText())
                  .contains("Ready", "LagHealthy");
              assertThat(driver.findElements(By.cssSelector("#events tbody tr"))).isNotEmpty();
            });
    browser.screenshot(SCREENSHOTS.resolve("pipeline.png"));

    producer.pause();
    onPage()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              assertThat(driver.findElement(By.id("chart-lag")).getAttribute("data-last"))
                  .as("the lag chart's last point once the producer paused")
                  .isEqualTo("0");
              assertThat(text(driver, "status-total")).isEqualTo("0");
            });
    browser.screenshot(SCREENSHOTS.resolve("pipeline-paused.png"));
  }

  @Test
  @Order(3)
  void theResultsButtonShowsRowsThatAreInTheSinks() {
    ChromeDriver driver = open("pipeline.html?namespace=" + NS + "&name=demo", viewer);
    onPage()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !driver.findElements(By.id("show-cassandra")).isEmpty());
    producer.pause();
    long cassandraRows = sinks.cassandraRows().orElseThrow();
    long mongoDocuments = sinks.mongoDocuments().orElseThrow();
    assertThat(cassandraRows).isPositive();
    assertThat(driver.findElements(By.cssSelector("table.rows")))
        .as("no rows before asked")
        .isEmpty();

    driver.findElement(By.id("show-cassandra")).click();
    onPage()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> !driver.findElements(By.cssSelector("#results-cassandra table.rows")).isEmpty());
    assertThat(
            driver
                .findElement(By.cssSelector("#results-cassandra .results-heading"))
                .getAttribute("data-count"))
        .isEqualTo(String.valueOf(cassandraRows));
    List<String> ids = column(driver, "cassandra", "id");
    assertThat(ids).hasSize(20).allSatisfy(id -> assertThat(id).startsWith("w-"));
    assertThat(ids).doesNotHaveDuplicates();
    driver.executeScript("document.getElementById('results').scrollIntoView()");
    browser.screenshot(SCREENSHOTS.resolve("results.png"));

    driver.findElement(By.id("show-mongodb")).click();
    onPage()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !driver.findElements(By.cssSelector("#results-mongodb table.rows")).isEmpty());
    assertThat(
            driver
                .findElement(By.cssSelector("#results-mongodb .results-heading"))
                .getAttribute("data-count"))
        .isEqualTo(String.valueOf(mongoDocuments));
    List<String> first = column(driver, "mongodb", "_id");
    assertThat(first).hasSize(20);
    driver.findElement(By.id("next-mongodb")).click();
    onPage()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(column(driver, "mongodb", "_id"))
                    .hasSize(20)
                    .doesNotContainAnyElementsOf(first));
    // newest first: the producer numbers its events in order, and the first page comes from the
    // last few seconds of them (two tasks insert their partitions side by side, so within those
    // seconds the order is the sink's)
    long oldestOnFirst = first.stream().mapToLong(WebViewBrowserTest::number).min().orElseThrow();
    assertThat(oldestOnFirst)
        .as("the first page's oldest event, of %d sent", producer.sent())
        .isGreaterThan(producer.sent() - 3000);
    // the rows come from the pipeline's own table and collection, never the offset store's
    assertThat(driver.findElement(By.cssSelector("#results-mongodb .results-heading")).getText())
        .startsWith("web.events:");
  }

  static long number(String id) {
    return Long.parseLong(id.replaceAll("^.*?(\\d+)$", "$1"));
  }

  static List<String> column(ChromeDriver driver, String sink, String name) {
    WebElement table = driver.findElement(By.cssSelector("#results-" + sink + " table.rows"));
    List<String> headers =
        table.findElements(By.cssSelector("thead th")).stream().map(WebElement::getText).toList();
    int index = headers.indexOf(name);
    assertThat(index).as("column %s in %s", name, headers).isNotNegative();
    return table.findElements(By.cssSelector("tbody tr")).stream()
        .map(row -> row.findElements(By.tagName("td")).get(index).getText())
        .toList();
  }

  @Test
  @Order(4)
  void aViewerWithoutTheResultsPermissionSeesThePipelineButNoRows() {
    ChromeDriver driver = open("pipeline.html?namespace=" + NS + "&name=demo", lister);
    onPage()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !driver.findElements(By.id("show-cassandra")).isEmpty());
    assertThat(text(driver, "phase")).isEqualTo("Running");
    driver.findElement(By.id("show-cassandra")).click();
    onPage()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(text(driver, "results-problem"))
                    .startsWith("403")
                    .contains("streamingpipelines/results"));
    assertThat(driver.findElements(By.cssSelector("table.rows"))).isEmpty();
  }

  @Test
  @Order(5)
  void aTokenWithoutAccessSeesNoPipeline() {
    ChromeDriver driver = open("", outsider);
    onPage()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(driver.findElement(By.id("empty")).isDisplayed()).isTrue();
              assertThat(text(driver, "viewer")).contains("system:serviceaccount:web:outsider");
            });
    assertThat(driver.findElements(By.cssSelector("#pipelines tbody tr"))).isEmpty();
    ChromeDriver detail = open("pipeline.html?namespace=" + NS + "&name=demo", outsider);
    onPage()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(text(detail, "problem")).startsWith("404").contains("that you may see"));
    assertThat(text(detail, "phase")).isEmpty();
  }

  @Test
  @Order(6)
  void noTokenGets401AndTheSignInForm() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (String path :
        List.of("/view/api/pipelines", "/view/api/pipelines/web/demo/results?sink=mongodb")) {
      HttpResponse<String> none =
          http.send(
              HttpRequest.newBuilder(URI.create(base + path)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(none.statusCode()).as("%s without a token", path).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
      HttpResponse<String> forged =
          http.send(
              HttpRequest.newBuilder(URI.create(base + path))
                  .header("Authorization", "Bearer not-a-token-the-cluster-made")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(forged.statusCode()).as("%s with a forged token", path).isEqualTo(401);
      assertThat(forged.body()).doesNotContain("demo");
    }

    ChromeDriver driver = open("", null);
    driver.executeScript("sessionStorage.clear()");
    open("", null);
    onPage()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(driver.findElement(By.id("login")).isDisplayed()).isTrue();
              assertThat(driver.findElement(By.id("content")).isDisplayed()).isFalse();
            });
    browser.screenshot(SCREENSHOTS.resolve("sign-in.png"));
    // a token typed into the form opens the view
    driver.findElement(By.id("token")).sendKeys(viewer);
    driver.findElement(By.id("use-token")).click();
    onPage()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                !driver
                    .findElements(By.cssSelector("#pipelines tbody tr[data-name='demo']"))
                    .isEmpty());
  }
}
