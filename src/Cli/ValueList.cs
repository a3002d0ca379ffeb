using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Verify.Model.Runtime;

namespace Verify.Cli;

/// <summary>
/// A comma list of values as an option's value: "1,2,5,10", whole numbers also as ranges "1-5".
/// Printed the way it is written, so `--help` shows defaults as a user would type them.
/// </summary>
sealed class ValueList<T>(IReadOnlyList<T> items) where T : IFormattable
{
    public IReadOnlyList<T> Items { get; } = items;

    public override string ToString()
    {
        if (typeof(T) == typeof(int) || typeof(T) == typeof(long)) return Compact(Items.Select(v => Convert.ToInt64(v, CultureInfo.InvariantCulture)).ToArray());
        return string.Join(",", Items.Select(v => v.ToString(null, CultureInfo.InvariantCulture)));
    }

    /// <summary>Runs of three or more consecutive numbers as "a-b": 1,2,3,4,5,7 prints as "1-5,7".</summary>
    static string Compact(long[] values)
    {
        var parts = new List<string>();
        for (var i = 0; i < values.Length;)
        {
            var j = i;
            while (j + 1 < values.Length && values[j + 1] == values[j] + 1) j++;
            parts.Add(j - i >= 2 ? FormattableString.Invariant($"{values[i]}-{values[j]}") : string.Join(",", values[i..(j + 1)].Select(v => v.ToString(CultureInfo.InvariantCulture))));
            i = j + 1;
        }
        return string.Join(",", parts);
    }
}
