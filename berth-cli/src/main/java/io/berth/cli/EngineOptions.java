package io.berth.cli;

import java.io.PrintWriter;
import java.nio.file.Path;

import io.berth.mirror.codec.ProfileReader;
import io.berth.sched.framework.Profile;
import picocli.CommandLine.Option;

/** Options both commands share: the profile, the tie-break seed, the scalar passes and verbose errors. */
final class EngineOptions
{
    @Option(names = "--profile", paramLabel = "PROFILE.yaml",
        description = "KubeSchedulerConfiguration (or one profile) to schedule with; default: kube's default profile.")
    Path profile;

    @Option(names = "--scheduler-name", paramLabel = "NAME",
        description = "Which profile of the --profile file to use; default: its first.")
    String schedulerName;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
        description = "Seed of the tie breaks between equally scored nodes (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--scalar", description = "Run the scalar reference passes instead of the Vector API passes.")
    boolean scalar;

    @Option(names = "--verbose", description = "Print the stack trace of an error.")
    boolean verbose;

    /** The profile to use; prints the profile file's warnings to {@code err}. */
    Profile loadProfile(final PrintWriter err)
    {
        if (profile == null)
        {
            final Profile p = Profile.defaultProfile();
            if (schedulerName != null && !schedulerName.equals(p.schedulerName()))
            {
                throw new IllegalArgumentException("--scheduler-name " + schedulerName +
                    ": no --profile file given, and the default profile is " + p.schedulerName());
            }
            return p;
        }
        ClusterLoader.checkReadable(profile);
        final ProfileReader.Result result = new ProfileReader().read(profile);
        for (final String warning : result.warnings())
        {
            err.println("berth: warning: " + warning);
        }
        return result.profile(schedulerName);
    }
}
