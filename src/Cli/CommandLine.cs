using System.Globalization;

namespace Verify.Cli;

/// <summary>A command-line mistake: the message names the option and what it accepts.</summary>
sealed class UsageException(string message) : Exception(message);

/// <summary>
/// "--name value" and "--flag" options after a command word. Every getter validates and throws
/// <see cref="UsageException"/> naming the option, the value and the allowed range; options no
/// getter asked for are reported by <see cref="RejectUnknown"/>.
/// </summary>
sealed class CommandLine
{
    readonly Dictionary<string, string?> values = new(StringComparer.Ordinal);
    readonly HashSet<string> read = new(StringComparer.Ordinal);

    public string Command { get; }

    public CommandLine(string[] args)
    {
        if (args.Length == 0) throw new UsageException("no command given.");
        Command = args[0];
        for (var i = 1; i < args.Length; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length < 3)
                throw new UsageException($"unexpected argument '{a}': options look like --name value.");
            var eq = a.IndexOf('=');
            if (eq > 0) { values[a[..eq]] = a[(eq + 1)..]; continue; }
            if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) values[a] = args[++i];
            else values[a] = null;
        }
    }

    public bool Flag(string name)
    {
        read.Add(name);
        if (!values.TryGetValue(name, out var v)) return false;
        if (v is null) return true;
        throw new UsageException($"{name} is a flag and takes no value; got '{v}'.");
    }

    public string? String(string name)
    {
        read.Add(name);
        if (!values.TryGetValue(name, out var v)) return null;
        return v ?? throw new UsageException($"{name} needs a value.");
    }

    public string String(string name, string fallback) => String(name) ?? fallback;

    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var s = String(name);
        if (s is null) return fallback;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
            throw new UsageException($"{name} must be a whole number; got '{s}'.");
        return InRange(name, v, min, max);
    }

    public double Double(string name, double fallback, double min = double.NegativeInfinity, double max = double.PositiveInfinity, bool exclusiveMin = false)
    {
        var s = String(name);
        if (s is null) return fallback;
        return ParseDouble(name, s, min, max, exclusiveMin);
    }

    /// <summary>A comma list of whole numbers, with "a-b" ranges: "1,2,5,10" or "1-5".</summary>
    public int[] IntList(string name, int[] fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var s = String(name);
        if (s is null) return fallback;
        var result = new List<int>();
        foreach (var part in s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var dash = part.Length > 1 ? part.IndexOf('-', 1) : -1;
            if (dash > 0)
            {
                if (!int.TryParse(part[..dash], NumberStyles.Integer, CultureInfo.InvariantCulture, out var lo) ||
                    !int.TryParse(part[(dash + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var hi) || hi < lo)
                    throw new UsageException($"{name}: '{part}' is not a range like 1-5 (low-high, low <= high).");
                if ((long)hi - lo >= 100_000) throw new UsageException($"{name}: range '{part}' has more than 100000 values.");
                for (var v = lo; v <= hi; v++) result.Add(InRange(name, v, min, max));
            }
            else if (int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) result.Add(InRange(name, v, min, max));
            else throw new UsageException($"{name}: '{part}' is not a whole number or a range like 1-5.");
        }
        if (result.Count == 0) throw new UsageException($"{name} needs at least one value.");
        return result.ToArray();
    }

    /// <summary>A comma list of numbers: "0,0.5,1".</summary>
    public double[] DoubleList(string name, double[] fallback, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        var s = String(name);
        if (s is null) return fallback;
        var parts = s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new UsageException($"{name} needs at least one value.");
        return parts.Select(p => ParseDouble(name, p, min, max, false)).ToArray();
    }

    /// <summary>Throws for any option that no getter read: a typo must not be silently ignored.</summary>
    public void RejectUnknown()
    {
        var unknown = values.Keys.Where(k => !read.Contains(k)).ToArray();
        if (unknown.Length > 0)
            throw new UsageException($"unknown option{(unknown.Length > 1 ? "s" : "")} {string.Join(", ", unknown)} for '{Command}'; run 'verify help' for the options.");
    }

    static int InRange(string name, int v, int min, int max) =>
        v < min || v > max ? throw new UsageException($"{name} must lie in {min}..{max}; got {v}.") : v;

    static double ParseDouble(string name, string s, double min, double max, bool exclusiveMin)
    {
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw new UsageException($"{name} must be a finite number; got '{s}'.");
        var below = exclusiveMin ? v <= min : v < min;
        if (below || v > max)
            throw new UsageException($"{name} must lie in {(exclusiveMin ? "(" : "[")}{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]; got {s}.");
        return v;
    }
}
