using System;
using System.Linq;
using Vmdq.Toolkit;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>
/// Rule changes on a runtime dispatcher whose file declares S-channels: they take the full path (the incremental state
/// covers files without channels), land in the file's last section, and are checked per channel as the file is.
/// </summary>
public class ChannelRuleChangeTests
{
    private const string Text = """
        nic pools 8 queues 2 ring 64
        pool web 1
        mac 02:00:00:00:00:01 -> web
        channel blue svid 100
        pool blue-web 2
        pool blue-db 3
        mac 02:00:00:00:00:01 -> blue-web

        """;

    private static byte[] Frame(string dst, int? svid) =>
        svid is { } s
            ? TestFrames.Ethernet(dst, 0x0800, new byte[46], (0x88A8, s))
            : TestFrames.Ethernet(dst, 0x0800, new byte[46]);

    [Fact]
    public void A_rule_added_at_run_time_joins_the_last_channel_and_is_checked_within_it()
    {
        var rules = RuntimeDispatcher.Load(Text, "channels.vmdq").Dispatcher!;
        Assert.False(rules.Incremental, "a file with channels takes the full path");

        // The same MAC in the untagged channel is no conflict; a second MAC in the blue channel goes to blue-db.
        var added = rules.Apply("mac 02:00:00:00:00:02 -> blue-db");
        Assert.True(added.Accepted, string.Join("\n", added.Diagnostics));
        Assert.Equal(3, rules.Classify(Frame("02:00:00:00:00:02", 100)).Pool);
        Assert.Equal(0, rules.Classify(Frame("02:00:00:00:00:02", null)).Pool);   // untagged: no such rule there, the default pool
        Assert.Equal(1, rules.Classify(Frame("02:00:00:00:00:01", null)).Pool);
        Assert.Equal(2, rules.Classify(Frame("02:00:00:00:00:01", 100)).Pool);

        // A rule in the blue section naming the untagged channel's pool is refused with the build's error, and changes nothing.
        var refused = rules.Apply("mac 02:00:00:00:00:03 -> web");
        Assert.False(refused.Accepted);
        Assert.Contains(refused.Diagnostics, d => d.Id == "VMDQ0033");
        Assert.True(rules.Classify(Frame("02:00:00:00:00:03", 100)).IsDrop, "a declared S-channel without a default pool drops what no rule takes");

        var removed = rules.Remove(added.Added.ToArray());
        Assert.True(removed.Accepted);
        Assert.True(rules.Classify(Frame("02:00:00:00:00:02", 100)).IsDrop);
    }
}
