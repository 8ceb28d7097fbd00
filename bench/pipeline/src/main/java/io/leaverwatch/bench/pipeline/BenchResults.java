package io.leaverwatch.bench.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures of {@code leaverwatch bench pipeline}, in the field names the README and
 * bench-results.json use. Ratios are computed here so they always match the figures they divide.
 * The fields come first, in its order; {@code normalise_ceiling_eps} and its ratio follow
 * them: the ceiling of plain consumers that also parse and normalise, which bounds {@code
 * ratio_job} for any job that normalises (as the design's does).
 */
public record BenchResults(
    double ceilingEps,
    double normaliseCeilingEps,
    double jobEps,
    double jobEsEps,
    long latencyP50Ms,
    long latencyP99Ms,
    double inputRateEps,
    long events,
    Map<String, Object> machine) {

  public double ratioJob() {
    return ceilingEps > 0 ? jobEps / ceilingEps : 0;
  }

  public double ratioJobEs() {
    return ceilingEps > 0 ? jobEsEps / ceilingEps : 0;
  }

  /** The highest ratio_job a job that parses and normalises each record can reach here. */
  public double ratioNormaliseCeiling() {
    return ceilingEps > 0 ? normaliseCeilingEps / ceilingEps : 0;
  }

  public Map<String, Object> fields() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ceiling_eps", Math.round(ceilingEps));
    m.put("job_eps", Math.round(jobEps));
    m.put("job_es_eps", Math.round(jobEsEps));
    m.put("ratio_job", round3(ratioJob()));
    m.put("ratio_job_es", round3(ratioJobEs()));
    m.put("latency_p50_ms", latencyP50Ms);
    m.put("latency_p99_ms", latencyP99Ms);
    m.put("input_rate_eps", Math.round(inputRateEps));
    m.put("events", events);
    m.put("machine", machine);
    m.put("normalise_ceiling_eps", Math.round(normaliseCeilingEps));
    m.put("ratio_normalise_ceiling", round3(ratioNormaliseCeiling()));
    return m;
  }

  public String toJson() {
    try {
      return new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(fields());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double round3(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }
}
