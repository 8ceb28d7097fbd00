package io.leaverwatch.ingest.snapshot;

import io.leaverwatch.ingest.SourceException;
import io.leaverwatch.schema.AccessGrant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.GetLoginProfileRequest;
import software.amazon.awssdk.services.iam.model.ListAccessKeysRequest;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.iam.model.User;

/** IAM users' active access keys and console passwords (login profiles). */
public final class IamAccessSnapshot implements AccessSnapshot {
  private final IamClient iam;

  public IamAccessSnapshot(IamClient iam) {
    this.iam = iam;
  }

  @Override
  public String system() {
    return "aws";
  }

  @Override
  public List<AccessGrant> collect(Instant observedAt) throws SourceException {
    List<AccessGrant> out = new ArrayList<>();
    try {
      for (User u : iam.listUsersPaginator().users()) {
        String name = u.userName();
        for (AccessKeyMetadata k :
            iam.listAccessKeysPaginator(ListAccessKeysRequest.builder().userName(name).build())
                .accessKeyMetadata()) {
          if (k.status() == StatusType.ACTIVE) {
            out.add(AccessSnapshot.grant("aws", name, "access_key:" + k.accessKeyId(), observedAt));
          }
        }
        try {
          iam.getLoginProfile(GetLoginProfileRequest.builder().userName(name).build());
          out.add(AccessSnapshot.grant("aws", name, "login_profile", observedAt));
        } catch (NoSuchEntityException none) {
          // No console password: nothing to revoke there.
        }
      }
    } catch (SdkException e) {
      throw new SourceException("IAM snapshot failed: " + e.getMessage(), e.retryable(), e);
    }
    out.add(AccessSnapshot.complete(system(), observedAt));
    return out;
  }
}
