using System.Collections.Concurrent;
using System.Globalization;
using Verify.Model.Runtime;

namespace Verify.Model.Training;

/// <summary>
/// A profile of where a run's CPU time goes, phase by phase, switched on by the environment
/// variable VERIFY_PROFILE=1 (off, a phase costs one branch). Each phase adds the CPU time of the
/// thread that ran it (<see cref="CpuClock"/>) and its wall time; phases may nest (an outer
/// phase's time includes its inner phases'). <see cref="Report"/> lists them.
/// </summary>
public static class Phases
{
    /// <summary>True when VERIFY_PROFILE is set to 1.</summary>
    public static bool Enabled { get; } = Environment.GetEnvironmentVariable("VERIFY_PROFILE") == "1";

    static readonly ConcurrentDictionary<string, double[]> Totals = new();

    /// <summary>Times the phase <paramref name="name"/> until the returned value is disposed.</summary>
    public static Phase Time(string name) => Enabled ? new Phase(name, CpuClock.ThreadSeconds(), System.Diagnostics.Stopwatch.GetTimestamp()) : default;

    internal static void Add(string name, double cpu, double wall)
    {
        var t = Totals.GetOrAdd(name, _ => new double[3]);
        lock (t)
        {
            t[0] += cpu;
            t[1] += wall;
            t[2]++;
        }
    }

    /// <summary>Every phase so far: CPU seconds (summed over threads), wall seconds, count; empty when off.</summary>
    public static string Report() => string.Join(Environment.NewLine, Totals.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
        FormattableString.Invariant($"  {p.Key,-28} {p.Value[0],9:F2} s CPU {p.Value[1],9:F2} s wall {p.Value[2],9:F0} times")));

    /// <summary>One timed phase (see <see cref="Time"/>).</summary>
    public readonly struct Phase(string? name, double cpu, long start) : IDisposable
    {
        public void Dispose()
        {
            if (name is null) return;
            Add(name, CpuClock.ThreadSeconds() - cpu, System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
    }
}
