package io.berth.perf.replay;

import java.util.Objects;

import io.berth.sched.framework.Profile;

/** A scheduling profile under the name a replay report gives it (such as its file's name). */
public record ReplayProfile(String name, Profile profile)
{
    public ReplayProfile
    {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(profile, "profile");
    }

    /** kube's default profile, named {@code default}. */
    public static ReplayProfile defaultProfile()
    {
        return new ReplayProfile("default", Profile.defaultProfile());
    }
}
