package dev.insight.streaming.local.view;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium driven through its ChromeDriver, both the ones find-browser.sh recorded
 * (Debian's packages), with a fresh profile folder and none of Chromium's background connections
 * (the machine has no network beyond loopback). The caller quits it.
 */
final class Browser implements AutoCloseable {

  private final ChromeDriver driver;

  private Browser(ChromeDriver driver) {
    this.driver = driver;
  }

  static Browser start(Path profile) {
    Properties recorded = new Properties();
    Path record = Path.of(System.getProperty("browser.record", "target/browser.properties"));
    try (InputStream in = Files.newInputStream(record)) {
      recorded.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "no browser recorded in " + record + ": the build runs find-browser.sh before the tests",
          e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(recorded.getProperty("chromium"));
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,2000",
        "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(Path.of(recorded.getProperty("chromedriver")).toFile())
            .usingAnyFreePort()
            .build();
    return new Browser(new ChromeDriver(service, options));
  }

  ChromeDriver driver() {
    return driver;
  }

  /** Writes what the window shows as a PNG. */
  Path screenshot(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
