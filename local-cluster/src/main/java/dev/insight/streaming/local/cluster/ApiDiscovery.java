package dev.insight.streaming.local.cluster;

import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupList;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersions;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscoveryBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The legacy discovery documents ({@code /api}, {@code /api/v1}, {@code /apis}, {@code /apis/<group>/<version>})
 * that kubectl reads before anything else and the mock server does not serve: the built-in kinds the operator and
 * the pod runner use, plus every custom resource definition installed.
 */
public final class ApiDiscovery {

  private static final List<String> ALL_VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  /** group/version -> resources; "" is the core group. */
  private final Map<String, List<APIResource>> resources = new LinkedHashMap<>();

  public ApiDiscovery() {
    add("v1", resource("pods", "Pod", true, "po"), subresource("pods/status", "Pod"), subresource("pods/log", "Pod"),
        resource("configmaps", "ConfigMap", true, "cm"), resource("secrets", "Secret", true),
        resource("services", "Service", true, "svc"), resource("serviceaccounts", "ServiceAccount", true, "sa"),
        resource("events", "Event", true, "ev"), resource("namespaces", "Namespace", false, "ns"));
    add("rbac.authorization.k8s.io/v1", resource("roles", "Role", true), resource("rolebindings", "RoleBinding", true),
        resource("clusterroles", "ClusterRole", false), resource("clusterrolebindings", "ClusterRoleBinding", false));
    add("apiextensions.k8s.io/v1", resource("customresourcedefinitions", "CustomResourceDefinition", false, "crd", "crds"));
    add("coordination.k8s.io/v1", resource("leases", "Lease", true));
    add("events.k8s.io/v1", resource("events", "Event", true, "ev"));
  }

  /** Adds the served versions of a custom resource definition. */
  public synchronized void addCustomResource(CustomResourceDefinition crd) {
    var names = crd.getSpec().getNames();
    boolean namespaced = "Namespaced".equals(crd.getSpec().getScope());
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      if (!Boolean.TRUE.equals(version.getServed())) {
        continue;
      }
      String groupVersion = crd.getSpec().getGroup() + "/" + version.getName();
      List<APIResource> list = new ArrayList<>();
      list.add(new APIResourceBuilder().withName(names.getPlural()).withSingularName(names.getSingular())
          .withKind(names.getKind()).withNamespaced(namespaced).withVerbs(ALL_VERBS)
          .withShortNames(names.getShortNames()).withCategories(names.getCategories()).build());
      if (version.getSubresources() != null && version.getSubresources().getStatus() != null) {
        list.add(subresource(names.getPlural() + "/status", names.getKind()));
      }
      resources.put(groupVersion, list);
    }
  }

  public synchronized APIVersions coreVersions() {
    return new APIVersionsBuilder().withVersions("v1").build();
  }

  public synchronized APIGroupList groups() {
    Map<String, List<String>> versionsByGroup = new LinkedHashMap<>();
    resources.keySet().stream().filter(gv -> gv.contains("/")).forEach(gv -> versionsByGroup
        .computeIfAbsent(gv.substring(0, gv.indexOf('/')), g -> new ArrayList<>()).add(gv.substring(gv.indexOf('/') + 1)));
    APIGroupListBuilder list = new APIGroupListBuilder();
    versionsByGroup.forEach((group, versions) -> {
      APIGroupBuilder builder = new APIGroupBuilder().withName(group);
      versions.forEach(v -> builder.addToVersions(new GroupVersionForDiscoveryBuilder()
          .withGroupVersion(group + "/" + v).withVersion(v).build()));
      builder.withPreferredVersion(new GroupVersionForDiscoveryBuilder()
          .withGroupVersion(group + "/" + versions.get(0)).withVersion(versions.get(0)).build());
      list.addToGroups(builder.build());
    });
    return list.build();
  }

  /** The resources of one group version ("v1" for the core group), if it is served. */
  public synchronized Optional<APIResourceList> resources(String groupVersion) {
    List<APIResource> list = resources.get(groupVersion);
    return Optional.ofNullable(list)
        .map(l -> new APIResourceListBuilder().withGroupVersion(groupVersion).withResources(l).build());
  }

  private void add(String groupVersion, APIResource... list) {
    resources.put(groupVersion, new ArrayList<>(List.of(list)));
  }

  private static APIResource resource(String plural, String kind, boolean namespaced, String... shortNames) {
    return new APIResourceBuilder().withName(plural).withKind(kind).withNamespaced(namespaced)
        .withSingularName(kind.toLowerCase()).withVerbs(ALL_VERBS).withShortNames(shortNames).build();
  }

  private static APIResource subresource(String name, String kind) {
    return new APIResourceBuilder().withName(name).withKind(kind).withNamespaced(true).withSingularName("")
        .withVerbs("get", "patch", "update").build();
  }
}
