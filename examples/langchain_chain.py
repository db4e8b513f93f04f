#!/usr/bin/env python3
"""Retrieval-augmented answering with LangChain over a Quarry collection, offline: Quarry's
retriever finds the passages, a prompt puts them in context, and langchain-core's FakeListLLM
stands in for a model (swap in any LangChain chat model to answer for real).

    pip install './clients/python[langchain]'
    python examples/langchain_chain.py --base-url http://127.0.0.1:8080 [--question …]
"""
import argparse

from langchain_core.language_models import FakeListLLM
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import PromptTemplate
from langchain_core.runnables import RunnableParallel, RunnablePassthrough

from quarry_client import QuarryClient
from quarry_client.langchain import QuarryRetriever

PROMPT = PromptTemplate.from_template(
    "根据以下课程资料回答问题，并注明出处。\n\n{context}\n\n问题：{question}\n回答：")


def context(documents):
    return "\n\n".join("[%s · %s] %s" % (d.metadata["source"], d.metadata["chapter"], d.page_content) for d in documents)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", default="http://127.0.0.1:8080")
    parser.add_argument("--collection", default="course")
    parser.add_argument("--question", default="萃取率怎么计算？")
    arguments = parser.parse_args()
    with QuarryClient(arguments.base_url) as quarry:
        retriever = QuarryRetriever(client=quarry, collection=arguments.collection, top_k=3)
        llm = FakeListLLM(responses=["（示例模型）萃取率 = 咖啡液重量 × TDS ÷ 咖啡粉重量。"])
        retrieve = RunnableParallel(documents=retriever, question=RunnablePassthrough())
        answer = (lambda inputs: {"context": context(inputs["documents"]), "question": inputs["question"]}) | PROMPT | llm | StrOutputParser()
        chain = retrieve.assign(answer=answer)
        result = chain.invoke(arguments.question)
    print("question:", arguments.question)
    print("answer:", result["answer"])
    print("sources:")
    for document in result["documents"]:
        print("  %s · %s (score %.3f)" % (document.metadata["source"], document.metadata["chapter"], document.metadata["score"]))


if __name__ == "__main__":
    main()
