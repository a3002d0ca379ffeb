using System.Globalization;

namespace Verify.Model.Hunt;

/// <summary>
/// How much a hunt searches: a time (this run searches until it is spent; a second run gets its own)
/// or a number of cases (the stream's total: a second run with the same budget finishes an
/// interrupted one, and repeats nothing; a larger one goes on from there). A running case is
/// finished when the time runs out.
/// </summary>
public sealed record HuntBudget(TimeSpan? Time, int? Cases)
{
    /// <summary>"10m", "90s", "2h", "1.5h" (a time) or "200" (cases).</summary>
    public static HuntBudget Parse(string text)
    {
        var s = text.Trim();
        if (s.Length == 0) throw new FormatException("a budget is a time (e.g. 10m, 90s, 2h) or a number of cases (e.g. 200); got nothing.");
        if (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var cases))
            return cases >= 1 ? new HuntBudget(null, cases) : throw new FormatException($"a budget of cases must be at least 1; got '{text}'.");
        var unit = s[^1] switch { 's' => 1.0, 'm' => 60.0, 'h' => 3600.0, _ => double.NaN };
        if (double.IsNaN(unit) || !double.TryParse(s[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || !(amount > 0))
            throw new FormatException($"a budget is a time (a positive number with s, m or h: 90s, 10m, 2h) or a whole number of cases (200); got '{text}'.");
        var seconds = amount * unit;
        if (seconds > TimeSpan.FromDays(30).TotalSeconds) throw new FormatException($"a time budget must be at most 30 days; got '{text}'.");
        return new HuntBudget(TimeSpan.FromSeconds(seconds), null);
    }

    /// <summary>
    /// Task <paramref name="task"/>'s share of the budget among <paramref name="tasks"/> tasks run side by side:
    /// the time divided evenly, or the cases (the first tasks take one more where they do not divide).
    /// </summary>
    public HuntBudget Slice(int task, int tasks)
    {
        if (tasks < 1 || task < 0 || task >= tasks) throw new ArgumentOutOfRangeException(nameof(task), task, $"task must lie in 0..{tasks - 1}; got {task} of {tasks}.");
        if (Time is { } time) return new HuntBudget(time / tasks, null);
        var total = Cases!.Value;
        return new HuntBudget(null, total / tasks + (task < total % tasks ? 1 : 0));
    }

    public override string ToString() => Time is { } t
        ? (t.TotalHours >= 1 && t.TotalHours % 1 == 0 ? $"{t.TotalHours:0}h" : t.TotalMinutes >= 1 && t.TotalMinutes % 1 == 0 ? $"{t.TotalMinutes:0}m" : string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.###}s"))
        : $"{Cases} cases";
}
