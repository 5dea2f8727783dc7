"""Pointers to the policy's own contacts ("本政策第十条中的联系方式", "可以随时联系我们，我们将尽快回复") and what
they offer: the e-mails and phones the policy lists, else its contact section's channels."""

from __future__ import annotations

import re

from policies.models import ChannelKind

from .channels import channels_in
from .document import Document, Sentence

# A pointer to the contacts the policy lists elsewhere ("本政策第十条中的联系方式", "文末的联系方式",
# "联系方式详见本政策第九部分", "「联系我们」章节中提供的联系方式").
# Also the policy's ways in general ("本隐私政策中提及的方式", "本《用户条款》提供的方式"), an address below it ("隐私协议下方的邮箱"), and
# "通过联系我们" / "可以联系我们更正" (its contact section).
CONTACTS_REFERENCE = re.compile(
    # (the lookahead names every first character: most positions fail at once)
    r"(?=[本文下后前上公披载提列联底末通可请])(?:"
    r"(?:本|文末|下方|后附|前述|上述|公示|公布|披露|载明|提供|列明)[^，。；;\n]{0,16}?联系方式"
    r"|联系方式(?:详见|见|参见)"
    r"|本(?:隐私)?(?:政策|协议|指引|声明|规则|条款)中?(?:提及|所述|列明|载明|所列|提供)的?(?:方式|途径)"
    # the policy named by its title: "通过本《隐私条款》提供的方式联系我们"
    r"|本《[^》\n]{1,20}》中?(?:提及|所述|列明|载明|所列|提供)的?(?:方式|途径|联系方式)"
    r"|(?:下方|文末|底部|末尾)的?(?:邮箱|邮件|电话)"
    r"|通过联系我们|(?:可以?|请)(?:随时)?(?:联系我们|与我们(?:取得)?联系)(?=进行|申请|要求|提出|更正|补充|修改|删除|查询|查阅|注销|以|反馈"
    # "当你无法自行更正时，你可以随时联系我们，我们将尽快回复": the clause ends; the sentence names the right
    r"|[，,][^，。；;\n]{0,12}?(?:回复|答复|处理|反馈))"
    r")"
)
# The sentence before a pointer to the contacts grants rights ("我们保障您访问、更正和删除个人信息的权利。").
_GRANTS_RIGHTS = re.compile(r"权利|有权")


def pointer_after_granted_rights(doc: Document, sentence: Sentence) -> tuple[re.Match, list[str]] | None:
    """ "我们保障您访问、更正和删除个人信息的权利。您可以通过本政策公布的联系方式联系我们。": a pointer to the
    policy's contacts in a sentence that names no right is the way to the rights the sentence before it, in
    the same paragraph, grants (three at most: more are a summary of the chapter). The pointer and the rights."""
    # (the sentence before asked first: the pointer's pattern opens with a lookahead, entered at every position)
    before = doc.sentence_before(sentence, same_line=True)
    if before is None or not _GRANTS_RIGHTS.search(doc.text, before.start, before.end):
        return None
    rights = doc.sentence_rights(before)
    if not 1 <= len(rights) <= 3:
        return None
    m = CONTACTS_REFERENCE.search(doc.text, sentence.start, sentence.end)
    return (m, rights) if m else None


_POLICY_CONTACTS = 4  # at most: a policy listing many numbers (one per branch) lists them for another purpose


_CONTACT_SECTION = re.compile(r"联系我们|联系方式")
# An invitation to ask about the policy and whom to ask: "如有任何问题，请与示例客户服务部门联系".
_CONTACT_INVITATION = re.compile(r"(?:问题|疑问|意见|建议)[^。！？\n]{0,30}?(?:请|可以?)(?:您)?(?:与|同|和|联系|致电)")


def policy_contacts(doc: Document) -> list[tuple[str, str]]:
    """The e-mails and phones the policy lists, first e-mails: what a pointer to its contacts offers. A policy
    that lists neither offers what its contact section (如何联系我们) names: its feedback page, its service."""
    found = [(ChannelKind.EMAIL, f.value) for f in doc.found_emails]
    found += [(ChannelKind.PHONE, f.value) for f in doc.found_phones]
    if not found:
        for heading in doc.headings:
            if _CONTACT_SECTION.search(heading.title):
                found = [(c["kind"], c["value"]) for c in channels_in(doc, *doc.section(heading.end))]
                if found:
                    break
    if not found:
        # No contact section either: "如对本政策有任何问题，请与【示例客户服务部门】联系" names who "us" is.
        for m in _CONTACT_INVITATION.finditer(doc.text):
            sentence = doc.sentence_at(m.start())
            found = [(c["kind"], c["value"]) for c in channels_in(doc, sentence.start, sentence.end)]
            if found:
                break
    contacts = list(dict.fromkeys(found))
    return contacts if len(contacts) <= _POLICY_CONTACTS else contacts[:_POLICY_CONTACTS]
