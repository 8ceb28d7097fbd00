package io.leaverwatch.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The shared JSON mapper. Nesting is capped well below what would overflow the stack, so hostile
 * input (deeply nested arrays) fails as a parse error instead of a {@link StackOverflowError}.
 */
public final class Json {
  /** Deeper than any real audit event (CloudTrail requestParameters rarely pass 15 levels). */
  public static final int MAX_NESTING_DEPTH = 200;

  /** Largest single string value accepted (a 10 MB policy document still fits). */
  public static final int MAX_STRING_LENGTH = 32 * 1024 * 1024;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_NESTING_DEPTH)
                  .maxStringLength(MAX_STRING_LENGTH)
                  .build())
          .build();

  private static final ObjectMapper MAPPER =
      JsonMapper.builder(FACTORY)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  // reads trees without resolving the JsonNode type on every call, as ObjectMapper.readTree does
  private static final ObjectReader TREE_READER = MAPPER.reader();

  private Json() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** The mapper's reader, for {@code readTree} on hot paths. */
  public static ObjectReader treeReader() {
    return TREE_READER;
  }

  public static JsonFactory factory() {
    return FACTORY;
  }
}
