package io.leaverwatch.alerting.send;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Sends one rendered body to one receiver. {@code method} is the API method, e.g. chat.update. */
public interface AlertSender {
  Outcome send(String method, ObjectNode body);
}
