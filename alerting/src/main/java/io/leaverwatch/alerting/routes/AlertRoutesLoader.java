package io.leaverwatch.alerting.routes;

import io.leaverwatch.core.rules.Durations;
import io.leaverwatch.core.rules.RuleFileException;
import io.leaverwatch.schema.FindingStatus;
import io.leaverwatch.schema.FindingType;
import io.leaverwatch.schema.Severity;
import io.leaverwatch.schema.Source;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads {@code rules/alerting.yaml}. Like every rule file, any problem fails fast with {@code
 * file:line: field: reason}; the line is the one of the offending value, taken from the YAML node
 * itself, so a typo in a route never silently stops alerts.
 */
public final class AlertRoutesLoader {
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Set<Severity> ROUTABLE_SEVERITIES =
      EnumSet.of(Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL);

  private final Path file;

  private AlertRoutesLoader(Path file) {
    this.file = file;
  }

  public static AlertRoutes load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new RuleFileException(file + ": cannot read: " + e.getMessage(), e);
    }
    return new AlertRoutesLoader(file).parse(text);
  }

  private AlertRoutes parse(String text) {
    Node root;
    try {
      root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
      throw new RuleFileException(file + ":" + line + ": not valid YAML: " + e.getProblem(), e);
    } catch (YAMLException e) {
      throw new RuleFileException(file + ":1: not valid YAML: " + e.getMessage(), e);
    }
    if (root == null) {
      throw fail(1, "(top level)", "file is empty");
    }
    Map<String, Node> top = mapping(root, "(top level)", Set.of("receivers", "routes", "digest"));
    Node receiversNode = require(top, root, "receivers");
    Map<String, AlertRoutes.Receiver> receivers = new LinkedHashMap<>();
    List<Node> receiverItems = sequence(receiversNode, "receivers");
    if (receiverItems.isEmpty()) {
      throw fail(line(receiversNode), "receivers", "needs at least one receiver");
    }
    for (int i = 0; i < receiverItems.size(); i++) {
      AlertRoutes.Receiver r = receiver(receiverItems.get(i), "receivers[" + i + "]");
      if (receivers.put(r.name(), r) != null) {
        throw fail(r.line(), "receivers[" + i + "].name", "'" + r.name() + "' is defined twice");
      }
    }
    Node routesNode = require(top, root, "routes");
    List<AlertRoutes.Route> routes = new ArrayList<>();
    List<Node> routeItems = sequence(routesNode, "routes");
    if (routeItems.isEmpty()) {
      throw fail(line(routesNode), "routes", "needs at least one route");
    }
    for (int i = 0; i < routeItems.size(); i++) {
      routes.add(route(routeItems.get(i), "routes[" + i + "]", receivers));
    }
    AlertRoutes.Digest digest =
        top.containsKey("digest") ? digest(top.get("digest")) : AlertRoutes.Digest.DEFAULT;
    return new AlertRoutes(file, Map.copyOf(receivers), List.copyOf(routes), digest);
  }

  private AlertRoutes.Receiver receiver(Node node, String field) {
    Map<String, Node> m = mapping(node, field, Set.of("name", "pagerduty", "slack"));
    String name = scalar(require(m, node, "name"), field + ".name");
    if (name.isBlank()) {
      throw fail(line(m.get("name")), field + ".name", "must not be empty");
    }
    boolean pd = m.containsKey("pagerduty");
    boolean slack = m.containsKey("slack");
    if (pd == slack) {
      throw fail(line(node), field, "needs exactly one of pagerduty or slack");
    }
    if (pd) {
      Node n = m.get("pagerduty");
      Map<String, Node> p =
          secretMapping(n, field + ".pagerduty", Set.of("routing_key_env", "routing_key_file"));
      String[] secret = secret(n, p, field + ".pagerduty", "routing_key");
      return new AlertRoutes.Receiver(
          name, AlertRoutes.Kind.PAGERDUTY, null, secret[0], secret[1], line(node));
    }
    Node n = m.get("slack");
    Map<String, Node> s =
        secretMapping(n, field + ".slack", Set.of("channel", "token_env", "token_file"));
    String channel = scalar(require(s, n, "channel", field + ".slack"), field + ".slack.channel");
    if (!channel.startsWith("#") && !channel.matches("[CGD][A-Z0-9]{6,}")) {
      throw fail(
          line(s.get("channel")),
          field + ".slack.channel",
          "must be a channel name starting with # or a channel id like C0123456789, got '"
              + channel
              + "'");
    }
    String[] secret = secret(n, s, field + ".slack", "token");
    return new AlertRoutes.Receiver(
        name, AlertRoutes.Kind.SLACK, channel, secret[0], secret[1], line(node));
  }

  private Map<String, Node> secretMapping(Node n, String field, Set<String> allowed) {
    if (n instanceof MappingNode) {
      for (NodeTuple t : ((MappingNode) n).getValue()) {
        String key = keyOf(t);
        if (key.equals("routing_key") || key.equals("token")) {
          throw fail(
              line(t.getKeyNode()),
              field + "." + key,
              "secrets are not read from this file; name an environment variable with "
                  + key
                  + "_env (or a file with "
                  + key
                  + "_file)");
        }
      }
    }
    return mapping(n, field, allowed);
  }

  /** Returns {env, file}: exactly one is set. */
  private String[] secret(Node node, Map<String, Node> m, String field, String key) {
    Node env = m.get(key + "_env");
    Node path = m.get(key + "_file");
    if ((env == null) == (path == null)) {
      throw fail(line(node), field, "needs exactly one of " + key + "_env or " + key + "_file");
    }
    if (env != null) {
      String name = scalar(env, field + "." + key + "_env");
      if (!ENV_NAME.matcher(name).matches()) {
        throw fail(
            line(env),
            field + "." + key + "_env",
            "must be an environment variable name (letters, digits, _)");
      }
      return new String[] {name, null};
    }
    return new String[] {null, scalar(path, field + "." + key + "_file")};
  }

  private AlertRoutes.Route route(
      Node node, String field, Map<String, AlertRoutes.Receiver> receivers) {
    Map<String, Node> m = mapping(node, field, Set.of("match", "receivers"));
    AlertRoutes.Match match =
        m.containsKey("match")
            ? match(m.get("match"), field + ".match")
            : new AlertRoutes.Match(null, Set.of(), Set.of(), Set.of(), Set.of());
    Node rn = require(m, node, "receivers", field);
    List<String> names = new ArrayList<>();
    List<Node> items = sequence(rn, field + ".receivers");
    if (items.isEmpty()) {
      throw fail(line(rn), field + ".receivers", "needs at least one receiver");
    }
    for (int i = 0; i < items.size(); i++) {
      String name = scalar(items.get(i), field + ".receivers[" + i + "]");
      if (!receivers.containsKey(name)) {
        throw fail(
            line(items.get(i)),
            field + ".receivers[" + i + "]",
            "unknown receiver '" + name + "' (defined: " + new TreeSet<>(receivers.keySet()) + ")");
      }
      if (!names.contains(name)) {
        names.add(name);
      }
    }
    return new AlertRoutes.Route(match, List.copyOf(names), line(node));
  }

  private AlertRoutes.Match match(Node node, String field) {
    Map<String, Node> m =
        mapping(node, field, Set.of("min_severity", "types", "roles", "sources", "statuses"));
    Severity min = null;
    if (m.containsKey("min_severity")) {
      String v = scalar(m.get("min_severity"), field + ".min_severity");
      min = enumValue(Severity.class, v, m.get("min_severity"), field + ".min_severity");
      if (!ROUTABLE_SEVERITIES.contains(min)) {
        throw fail(
            line(m.get("min_severity")),
            field + ".min_severity",
            "must be one of LOW, MEDIUM, HIGH, CRITICAL");
      }
    }
    Set<FindingType> types = enums(FindingType.class, m.get("types"), field + ".types");
    Set<Source> sources = enums(Source.class, m.get("sources"), field + ".sources");
    Set<FindingStatus> statuses =
        enums(FindingStatus.class, m.get("statuses"), field + ".statuses");
    Set<String> roles = new LinkedHashSet<>();
    if (m.containsKey("roles")) {
      List<Node> items = sequence(m.get("roles"), field + ".roles");
      for (int i = 0; i < items.size(); i++) {
        roles.add(scalar(items.get(i), field + ".roles[" + i + "]"));
      }
    }
    return new AlertRoutes.Match(
        min, Set.copyOf(types), Set.copyOf(roles), Set.copyOf(sources), Set.copyOf(statuses));
  }

  private AlertRoutes.Digest digest(Node node) {
    Map<String, Node> m = mapping(node, "digest", Set.of("window", "max_per_receiver"));
    Duration window = AlertRoutes.Digest.DEFAULT.window();
    if (m.containsKey("window")) {
      try {
        window = Durations.parse(scalar(m.get("window"), "digest.window"));
      } catch (IllegalArgumentException e) {
        throw fail(line(m.get("window")), "digest.window", e.getMessage());
      }
      if (window.isZero() || window.isNegative()) {
        throw fail(line(m.get("window")), "digest.window", "must be positive");
      }
    }
    int max = AlertRoutes.Digest.DEFAULT.maxPerReceiver();
    if (m.containsKey("max_per_receiver")) {
      String v = scalar(m.get("max_per_receiver"), "digest.max_per_receiver");
      try {
        max = Integer.parseInt(v);
      } catch (NumberFormatException e) {
        max = -1;
      }
      if (max < 1) {
        throw fail(
            line(m.get("max_per_receiver")),
            "digest.max_per_receiver",
            "must be a whole number of at least 1, got '" + v + "'");
      }
    }
    return new AlertRoutes.Digest(window, max);
  }

  // --- node helpers: every failure names the node's own line ---

  private <E extends Enum<E>> Set<E> enums(Class<E> type, Node node, String field) {
    Set<E> out = new LinkedHashSet<>();
    if (node == null) {
      return out;
    }
    List<Node> items = sequence(node, field);
    for (int i = 0; i < items.size(); i++) {
      String f = field + "[" + i + "]";
      out.add(enumValue(type, scalar(items.get(i), f), items.get(i), f));
    }
    return out;
  }

  private <E extends Enum<E>> E enumValue(Class<E> type, String v, Node node, String field) {
    try {
      return Enum.valueOf(type, v.trim());
    } catch (IllegalArgumentException e) {
      List<String> known = new ArrayList<>();
      for (E c : type.getEnumConstants()) {
        if (!c.name().equals("UNKNOWN")) {
          known.add(c.name());
        }
      }
      throw fail(line(node), field, "'" + v + "' is not one of " + known);
    }
  }

  private Map<String, Node> mapping(Node node, String field, Set<String> allowed) {
    if (!(node instanceof MappingNode)) {
      throw fail(line(node), field, "expected a mapping");
    }
    Map<String, Node> out = new LinkedHashMap<>();
    for (NodeTuple t : ((MappingNode) node).getValue()) {
      String key = keyOf(t);
      String where = field.equals("(top level)") ? key : field + "." + key;
      if (!allowed.contains(key)) {
        throw fail(
            line(t.getKeyNode()), where, "unknown field (known: " + new TreeSet<>(allowed) + ")");
      }
      if (out.put(key, t.getValueNode()) != null) {
        throw fail(line(t.getKeyNode()), where, "appears twice");
      }
    }
    return out;
  }

  private String keyOf(NodeTuple t) {
    if (!(t.getKeyNode() instanceof ScalarNode)) {
      throw fail(line(t.getKeyNode()), "(key)", "keys must be plain names");
    }
    return ((ScalarNode) t.getKeyNode()).getValue();
  }

  private List<Node> sequence(Node node, String field) {
    if (!(node instanceof SequenceNode)) {
      throw fail(line(node), field, "expected a list");
    }
    return ((SequenceNode) node).getValue();
  }

  private String scalar(Node node, String field) {
    if (!(node instanceof ScalarNode)) {
      throw fail(line(node), field, "expected a single value");
    }
    return ((ScalarNode) node).getValue();
  }

  private Node require(Map<String, Node> m, Node parent, String key) {
    return require(m, parent, key, null);
  }

  private Node require(Map<String, Node> m, Node parent, String key, String field) {
    Node n = m.get(key);
    if (n == null) {
      throw fail(line(parent), field == null ? key : field + "." + key, "is required");
    }
    return n;
  }

  private static int line(Node n) {
    return n == null || n.getStartMark() == null ? 1 : n.getStartMark().getLine() + 1;
  }

  private RuleFileException fail(int line, String field, String reason) {
    return new RuleFileException(file + ":" + Math.max(1, line) + ": " + field + ": " + reason);
  }
}
