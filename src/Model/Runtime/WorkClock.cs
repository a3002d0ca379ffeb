using System.Diagnostics;

namespace Verify.Model.Runtime;

/// <summary>
/// CPU time spent on named kinds of work, per thread, since the thread started. Code that does the
/// work wraps it in <see cref="Time"/>; whoever measures its cost (`bench` times the sweeps'
/// per-epoch evaluation) reads <see cref="OnThisThread"/> before and after its own runs. The code
/// doing the work knows nothing of who reads the clock.
/// </summary>
public static class WorkClock
{
    [ThreadStatic] static Dictionary<string, (double Seconds, long Units)>? totals;

    /// <summary>
    /// Runs <paramref name="work"/> and adds to <paramref name="name"/>'s total on this thread its CPU
    /// seconds (<see cref="CpuClock"/>; wall seconds where that clock does not exist) and
    /// <paramref name="units"/> (what the work counts, e.g. run-epochs evaluated).
    /// </summary>
    public static void Time(string name, long units, Action work)
    {
        var watch = Stopwatch.StartNew();
        var cpu = CpuClock.ThreadSeconds();
        work();
        var seconds = CpuClock.ThreadSeconds() - cpu;
        totals ??= new Dictionary<string, (double Seconds, long Units)>(StringComparer.Ordinal);
        var (total, count) = totals.GetValueOrDefault(name);
        totals[name] = (total + (double.IsFinite(seconds) ? seconds : watch.Elapsed.TotalSeconds), count + units);
    }

    /// <summary>The seconds and units of <paramref name="name"/> timed on this thread so far (zero before the first).</summary>
    public static (double Seconds, long Units) OnThisThread(string name) =>
        totals is not null && totals.TryGetValue(name, out var t) ? t : default;
}
