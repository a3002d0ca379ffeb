using System.Diagnostics;

namespace Verify.Cli;

/// <summary>
/// A one-line progress bar on stderr ("label [#####.....] 12/40  1m05s, ~2m10s left"); redrawn in
/// place on a terminal, printed every tenth of the work when stderr is redirected.
/// </summary>
sealed class Progress
{
    readonly string label;
    readonly Stopwatch clock = Stopwatch.StartNew();
    readonly object gate = new();
    int lastTenth = -1;

    public Progress(string label) => this.label = label;

    public void Report(int done, int total)
    {
        lock (gate)
        {
            var fraction = total == 0 ? 1 : (double)done / total;
            var elapsed = clock.Elapsed;
            var left = done == 0 ? "" : $", ~{Format(TimeSpan.FromSeconds(elapsed.TotalSeconds * (total - done) / done))} left";
            var bar = new string('#', (int)(fraction * 24)).PadRight(24, '.');
            var text = $"{label} [{bar}] {done}/{total}  {Format(elapsed)}{left}";
            if (!Console.IsErrorRedirected)
            {
                Console.Error.Write("\r" + text.PadRight(Math.Max(text.Length, 90)));
                if (done == total) Console.Error.WriteLine();
            }
            else
            {
                var tenth = (int)(fraction * 10);
                if (tenth != lastTenth || done == total) { Console.Error.WriteLine(text); lastTenth = tenth; }
            }
        }
    }

    static string Format(TimeSpan t) => t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:00}s" : $"{t.TotalSeconds:0}s";
}
