using System.Runtime.InteropServices;

namespace Verify.Model.Runtime;

/// <summary>
/// CPU time of the calling thread (Linux: clock_gettime(CLOCK_THREAD_CPUTIME_ID)). On a machine
/// shared with other work, a single-threaded figure per CPU second moves much less with the load
/// than one per wall-clock second (the time the thread waits for a core is not counted; what other
/// work does to the caches still is). NaN where the clock is not available.
/// </summary>
public static class CpuClock
{
    const int ThreadCpuTimeId = 3; // CLOCK_THREAD_CPUTIME_ID

    [StructLayout(LayoutKind.Sequential)]
    struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>Seconds of CPU time this thread has used, or NaN.</summary>
    public static double ThreadSeconds()
    {
        if (!OperatingSystem.IsLinux()) return double.NaN;
        try
        {
            return ClockGetTime(ThreadCpuTimeId, out var t) == 0 ? t.Seconds + t.Nanoseconds * 1e-9 : double.NaN;
        }
        catch (DllNotFoundException) { return double.NaN; }
        catch (EntryPointNotFoundException) { return double.NaN; }
    }
}
